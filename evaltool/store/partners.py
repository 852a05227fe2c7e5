"""Stored partner-survey rounds: the survey definition, respondents, statements and ties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.store.engine import Connection, frame_rows, in_list, query_frame

#: Columns of :attr:`PartnerTables.ties`.
TIE_COLUMNS = [
    "round",
    "respondent_org",
    "partner_org",
    "contact_frequency",
    "collaboration_level",
    "trust",
    "value",
]
#: Columns of :attr:`PartnerTables.orgs`.
ORG_COLUMNS = ["round", "org", "sector", "responded"]
#: Columns of :attr:`PartnerTables.statements`.
STATEMENT_COLUMNS = ["round", "respondent_org", "sector", "item", "value"]


@dataclass
class PartnerTables:
    """The stored tables of some partner-survey rounds (rows in storage order).

    Attributes
    ----------
    ties : pandas.DataFrame
        Columns :data:`TIE_COLUMNS`, one row per stored tie.
    orgs : pandas.DataFrame
        Columns :data:`ORG_COLUMNS`, one row per round and organisation: the organisations of
        a round imported from several files merged (``responded`` if any file says so).
    statements : pandas.DataFrame
        Columns :data:`STATEMENT_COLUMNS`, one row per organisation and statement.
    survey_text : str or None
        The survey definition (TOML) stored with the last of the rounds.
    """

    ties: pd.DataFrame
    orgs: pd.DataFrame
    statements: pd.DataFrame
    survey_text: str | None


class PartnerStore:
    """Partner-survey rounds (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    def store_partner_round(
        self,
        import_id: int,
        round_label: str,
        survey_text: str,
        orgs: pd.DataFrame,
        statements: pd.DataFrame,
        ties: pd.DataFrame,
    ) -> None:
        """Store one imported file of a round (call inside a transaction).

        Parameters
        ----------
        import_id : int
            The file's import record (:meth:`~evaltool.store.imports.ImportLog.add_import`).
        round_label : str
            The round.
        survey_text : str
            The survey definition (TOML) the file was read with; it replaces the round's
            earlier one.
        orgs, statements, ties : pandas.DataFrame
            The file's organisations (org, sector, responded), statements (respondent_org,
            sector, item, value) and ties (respondent_org, partner_org, contact_frequency,
            collaboration_level, trust, value); missing values are stored as NULL.
        """
        conn = self.conn
        conn.execute(
            "INSERT OR REPLACE INTO partner_surveys VALUES (?, ?)", (round_label, survey_text)
        )
        orgs = orgs.assign(
            import_id=import_id, round=round_label, responded=orgs["responded"].astype(int)
        )
        conn.executemany(
            "INSERT INTO partner_respondents VALUES (?, ?, ?, ?, ?)",
            frame_rows(orgs, ["import_id", "round", "org", "sector", "responded"]),
        )
        conn.executemany(
            "INSERT INTO partner_statements VALUES (?, ?, ?, ?, ?, ?)",
            frame_rows(
                statements.assign(import_id=import_id, round=round_label),
                ["import_id", "round", "respondent_org", "sector", "item", "value"],
            ),
        )
        conn.executemany(
            "INSERT INTO partner_ties VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            frame_rows(
                ties.assign(import_id=import_id, round=round_label), ["import_id", *TIE_COLUMNS]
            ),
        )

    def partner_rounds(self) -> list[str]:
        """Rounds in the order they were first imported."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT round FROM imports WHERE kind = 'partners' GROUP BY round ORDER BY MIN(id)"
            )
        ]

    def partner_tables(self, rounds: Sequence[str]) -> PartnerTables:
        """The stored ties, organisations and statements of ``rounds`` and the survey
        definition of the last of them (see :class:`PartnerTables`)."""
        rounds = list(rounds)
        chosen, params = in_list("round", rounds)
        ties = query_frame(
            self.conn, f"SELECT {', '.join(TIE_COLUMNS)} FROM partner_ties WHERE {chosen}", params
        )
        orgs = query_frame(
            self.conn,
            "SELECT round, org, MAX(sector) AS sector, MAX(responded) AS responded "
            f"FROM partner_respondents WHERE {chosen} GROUP BY round, org ORDER BY round, org",
            params,
        )
        orgs["responded"] = orgs["responded"].astype(bool)
        statements = query_frame(
            self.conn,
            f"SELECT {', '.join(STATEMENT_COLUMNS)} FROM partner_statements WHERE {chosen}",
            params,
        )
        survey_text = None
        if rounds:
            row = self.conn.execute(
                "SELECT definition FROM partner_surveys WHERE round = ?", (rounds[-1],)
            ).fetchone()
            survey_text = row[0] if row else None
        return PartnerTables(ties, orgs, statements, survey_text)
