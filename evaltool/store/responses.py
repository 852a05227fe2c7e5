"""Stored client responses: respondents, responses, item answers and field answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import numpy as np
    import pandas as pd

from evaltool.store.engine import Connection, chunks, in_list, placeholders, query_frame
from evaltool.store.packed import packing
from evaltool.store.schema import answers_table_name, quote_ident

#: Metadata columns of :meth:`ResponseStore.responses`, in order: the response's id,
#: import_id, project, wave, respondent (pseudonym), date, source_row, n_missing, discarded,
#: incomplete, missing (one letter per item) and the import's scoring rule.
RESPONSE_COLUMNS = (
    "id",
    "import_id",
    "project",
    "wave",
    "respondent",
    "date",
    "source_row",
    "n_missing",
    "discarded",
    "incomplete",
    "missing",
    "rule",
)
#: The columns :meth:`ResponseStore.responses` fills only for its ``detail_projects``.
DETAIL_COLUMNS = ("date", "incomplete", "missing")
#: The start of an unlinked (anonymous) respondent's pseudonym: a survey without respondent
#: ids (``--anonymous``) stores each response under its own pseudonym, never shared with
#: another response, so it is never paired across waves. Linked pseudonyms are 20 hex
#: digits and cannot start so.
ANON_PREFIX = "anon-"
#: Columns of :meth:`ResponseStore.field_answers`.
FIELD_ANSWER_COLUMNS = ("response_id", "project", "respondent", "wave", "field", "value")


def is_anonymous(respondents: Sequence[str] | pd.Series | np.ndarray) -> np.ndarray:
    """Boolean mask of the unlinked (anonymous) respondents' pseudonyms (:data:`ANON_PREFIX`):
    responses that must never count in linked change, linkage or attrition."""
    import numpy as np
    import pandas as pd

    values = pd.Series(np.asarray(respondents, dtype=object), dtype=object)
    return values.str.startswith(ANON_PREFIX).fillna(False).to_numpy(dtype=bool)


#: Rows turned into Python values at a time while storing: the statement reads them from a
#: generator, so an import's memory holds one batch of them, not every row at once.
WRITE_BATCH = 20_000


def _row_batches(columns: Sequence[np.ndarray]):
    """The rows of equally long ``columns`` as tuples to bind, :data:`WRITE_BATCH` at a
    time (numpy's ``tolist`` builds the Python values in C)."""
    n = len(columns[0]) if columns else 0
    for start in range(0, n, WRITE_BATCH):
        yield from zip(*(c[start : start + WRITE_BATCH].tolist() for c in columns), strict=True)


class ResponseStore:
    """Responses and their answers (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    # ---------------------------------------------------------------- writing

    def existing_respondents(
        self, instrument: str, keys: pd.DataFrame, exclude_import: int | None = None
    ) -> pd.DataFrame:
        """Rows of ``keys`` (project, wave, respondent) already stored for ``instrument``.

        Only the projects in ``keys`` are read (through the responses' unique index), so
        the check costs the size of those projects, not of the whole workspace.
        """
        import pandas as pd

        projects = pd.unique(keys["project"].to_numpy(dtype=object)).tolist()
        if not projects:
            return keys.iloc[:0]
        parts = [
            query_frame(
                self.conn,
                "SELECT project, wave, respondent, import_id FROM responses WHERE instrument = ?"
                f" AND project IN ({placeholders(len(chunk))})",
                [instrument, *chunk],
            )
            for chunk in chunks(projects)
        ]
        stored = pd.concat(parts, ignore_index=True)
        if exclude_import is not None:
            stored = stored[stored["import_id"] != exclude_import]
        return keys.merge(
            stored[["project", "wave", "respondent"]],
            on=["project", "wave", "respondent"],
            how="inner",
        )

    def store_responses(
        self,
        import_id: int,
        instrument,
        table: str,
        frame: pd.DataFrame,
        values: np.ndarray,
        fields: pd.DataFrame | None = None,
    ) -> int:
        """Insert responses and their answers (call inside a transaction).

        ``frame`` has columns project, wave, respondent, source_id, date, source_row,
        n_missing, discarded, incomplete, missing (a respondent starting with
        :data:`ANON_PREFIX` is unlinked: no ``respondents`` row); ``values`` is n × items;
        ``fields``
        (optional) has columns row (position in ``frame``), field, value. Returns the
        number of responses stored.
        """
        import numpy as np

        n = len(frame)
        start = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM responses").fetchone()[0]
        ids = np.arange(start + 1, start + 1 + n, dtype=np.int64)
        self._store_respondents(frame)
        self._store_response_rows(ids, import_id, instrument.name, frame)
        self._store_answers(table, ids, values)
        if fields is not None and len(fields):
            self._store_fields(ids, fields)
        return n

    def _store_respondents(self, frame: pd.DataFrame) -> None:
        # unlinked respondents have no source id to keep
        people = frame[["respondent", "project", "source_id"]].drop_duplicates()
        people = people[~is_anonymous(people["respondent"])]
        self.conn.executemany(
            "INSERT OR IGNORE INTO respondents VALUES (?, ?, ?)",
            zip(
                people["respondent"].to_numpy(dtype=object).tolist(),
                people["project"].to_numpy(dtype=object).tolist(),
                people["source_id"].to_numpy(dtype=object).tolist(),
                strict=True,
            ),
        )

    def _store_response_rows(
        self, ids: np.ndarray, import_id: int, instrument: str, frame: pd.DataFrame
    ) -> None:
        import numpy as np

        def column(name: str, dtype=object) -> np.ndarray:
            return frame[name].to_numpy(dtype=dtype)

        n = len(frame)
        columns = [
            ids,
            np.full(n, import_id, dtype=np.int64),
            np.full(n, instrument, dtype=object),
            column("project"),
            column("wave", np.int64),
            column("respondent"),
            column("date"),
            column("source_row", np.int64),
            column("n_missing", np.int64),
            column("discarded", np.int64),
            column("incomplete", np.int64),
            column("missing"),
        ]
        self.conn.executemany(
            "INSERT INTO responses (id, import_id, instrument, project, wave, respondent, date,"
            " source_row, n_missing, discarded, incomplete, missing)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _row_batches(columns),
        )

    def _store_answers(self, table: str, ids: np.ndarray, values: np.ndarray) -> None:
        # SQLite stores a bound NaN as NULL, so the float matrix binds as it is; the float
        # ids become integers through the INTEGER PRIMARY KEY column.
        import numpy as np

        k = values.shape[1]
        values = np.asarray(values, dtype=float)

        def rows():
            for start in range(0, len(ids), WRITE_BATCH):
                stop = start + WRITE_BATCH
                block = np.column_stack([ids[start:stop].astype(float), values[start:stop]])
                yield from block.tolist()

        self.conn.executemany(
            f"INSERT INTO {quote_ident(table)} VALUES ({placeholders(k + 1)})", rows()
        )

    def _store_fields(self, ids: np.ndarray, fields: pd.DataFrame) -> None:
        self.conn.executemany(
            "INSERT INTO response_fields VALUES (?, ?, ?)",
            zip(
                ids[fields["row"].to_numpy()].tolist(),
                fields["field"].to_numpy(dtype=object).tolist(),
                fields["value"].to_numpy(dtype=object).tolist(),
                strict=True,
            ),
        )

    # ---------------------------------------------------------------- reading

    def responses(
        self,
        instrument: str,
        projects: Sequence[str] | None = None,
        waves: Sequence[int] | None = None,
        *,
        columns: Sequence[str] = RESPONSE_COLUMNS,
        detail_projects: Sequence[str] | None = None,
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Stored responses of an instrument and their item answers.

        Parameters
        ----------
        instrument : str
            The instrument's name.
        projects, waves : sequence, optional
            Only these projects / waves; None or empty: all.
        columns : sequence of str
            The metadata columns to return, any of :data:`RESPONSE_COLUMNS` in any order.
        detail_projects : sequence of str, optional
            When given, the :data:`DETAIL_COLUMNS` are read only for these projects'
            responses (missing elsewhere, ``incomplete`` False): a report of one project
            reads every response for the programme's statistics but needs those columns for
            its own.

        Returns
        -------
        meta : pandas.DataFrame
            One row per response, ordered by project, wave and id, with ``columns``;
            ``discarded`` and ``incomplete`` are booleans.
        values : numpy.ndarray
            The item answers, n × items in the instrument's item order, NaN for none (as
            answered, not reversed).

        Notes
        -----
        Answers are read packed into a few integers per response (:mod:`evaltool.store.
        packed`) when the instrument's scale allows, and the plain way when it does not or
        when a response's checksum shows an answer the packing cannot hold; both give the
        same values.
        """
        import numpy as np
        import pandas as pd

        inst = self.load_instrument(instrument)
        columns = list(columns)
        select, tail, params = _response_query(
            instrument, projects, waves, columns, detail_projects
        )
        items = [f"a.{quote_ident(c)}" for c in inst.item_codes]
        k, n_items = len(columns), len(items)
        values = None
        pack = packing(inst.scale_min, inst.scale_max, n_items)
        if pack is not None:
            rows = self.conn.execute(
                f"SELECT {', '.join(select + pack.select_sql(items))}" + tail, params
            ).fetchall()
            table = np.array(rows, dtype=object).reshape(len(rows), k + 1 + len(pack.groups))
            values = pack.unpack(table, k, n_items)
        if values is None:
            rows = self.conn.execute(
                f"SELECT {', '.join(select + items)}" + tail, params
            ).fetchall()
            table = np.array(rows, dtype=object).reshape(len(rows), k + n_items)
            values = table[:, k:].astype(float)
        # column by column from the object array, then the types pandas infers for rows
        if "rule" in columns:
            # the query returns the import's id (no join with the imports table: about a
            # third of the read); each import's rule is looked up once
            rules = dict(self.conn.execute("SELECT id, rule FROM imports").fetchall())
            j = columns.index("rule")
            ids, where = np.unique(table[:, j].astype(np.int64), return_inverse=True)
            table[:, j] = np.array([rules.get(int(i)) for i in ids], dtype=object)[where]
        meta = pd.DataFrame({c: table[:, j] for j, c in enumerate(columns)}).infer_objects()
        for c in ("discarded", "incomplete"):
            if c in meta:
                meta[c] = meta[c].fillna(0).astype(bool)
        return meta, values

    def kept_waves(self, instrument: str) -> list[int]:
        """The waves of ``instrument`` with at least one stored response not discarded,
        sorted (from the responses' index, without reading any answer)."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT wave FROM responses WHERE instrument = ? GROUP BY wave"
                " HAVING MIN(discarded) = 0 ORDER BY wave",
                (instrument,),
            )
        ]

    def fields(self, response_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Background and open answers: columns response_id, field, value."""
        df = query_frame(self.conn, "SELECT response_id, field, value FROM response_fields")
        if response_ids is not None:
            df = df[df["response_id"].isin(response_ids)]
        return df

    def field_answers(
        self,
        instrument: str | None = None,
        projects: Sequence[str] | None = None,
        *,
        fields: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Background, multi-select and open answers with their responses.

        Parameters
        ----------
        instrument : str, optional
            Only the answers given with this instrument's responses; None: all.
        projects : sequence of str, optional
            Only these projects (an empty sequence: none); None: every project.
        fields : sequence of str, optional
            Only these fields (an empty sequence: none); None: every field.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`FIELD_ANSWER_COLUMNS`: the response's id, project, respondent
            (pseudonym) and wave, the field's name and the answer as stored.
        """
        where, params = [], []
        if instrument is not None:
            where.append("r.instrument = ?")
            params.append(instrument)
        if projects is not None:
            inside, inside_params = in_list("r.project", projects)
            where.append(inside)
            params += inside_params
        if fields is not None:
            inside, inside_params = in_list("f.field", fields)
            where.append(inside)
            params += inside_params
        return query_frame(
            self.conn,
            "SELECT r.id AS response_id, r.project, r.respondent, r.wave, f.field, f.value "
            "FROM response_fields f JOIN responses r ON r.id = f.response_id"
            + (f" WHERE {' AND '.join(where)}" if where else ""),
            params,
        )

    def stored_respondents(self, projects: Sequence[str] | None = None) -> pd.DataFrame:
        """Each respondent with a stored response, once per project: columns project,
        respondent (pseudonym). ``projects``: only these (empty: none); None: all."""
        where, params = "", []
        if projects is not None:
            inside, params = in_list("r.project", projects)
            where = f" WHERE {inside}"
        return query_frame(
            self.conn, "SELECT DISTINCT r.project, r.respondent FROM responses r" + where, params
        )

    def respondent_waves(self, instrument: str, projects: Sequence[str]) -> pd.DataFrame:
        """The waves each respondent of ``projects`` answered ``instrument`` in: columns
        project, wave, respondent (one row each; through the responses' unique index)."""
        import pandas as pd

        parts = [
            query_frame(
                self.conn,
                "SELECT project, wave, respondent FROM responses WHERE instrument = ? AND "
                f"project IN ({placeholders(len(chunk))}) ORDER BY project, wave, respondent",
                [instrument, *chunk],
            )
            for chunk in chunks(sorted(set(projects)))
        ]
        if not parts:
            return pd.DataFrame({"project": [], "wave": [], "respondent": []}, dtype=object)
        return pd.concat(parts, ignore_index=True)

    def respondent_waves_of_import(self, import_id: int) -> pd.DataFrame:
        """The (project, wave, respondent) of one import's responses."""
        return query_frame(
            self.conn,
            "SELECT project, wave, respondent FROM responses WHERE import_id = ? ORDER BY id",
            [int(import_id)],
        )

    def source_ids(self) -> pd.DataFrame:
        """Pseudonym → project, source_id (for ``--with-source-ids`` only)."""
        return query_frame(
            self.conn, "SELECT pseudonym AS respondent, project, source_id FROM respondents"
        )

    def projects_seen(self) -> list[str]:
        """The projects with stored responses, sorted."""
        return [
            r[0]
            for r in self.conn.execute("SELECT DISTINCT project FROM responses ORDER BY project")
        ]


def _response_query(
    instrument: str,
    projects: Sequence[str] | None,
    waves: Sequence[int] | None,
    columns: list[str],
    detail_projects: Sequence[str] | None,
) -> tuple[list[str], str, list]:
    """(metadata expressions, the query from FROM on, parameters) of
    :meth:`ResponseStore.responses`; the answers' expressions go between the two."""
    unknown = [c for c in columns if c not in RESPONSE_COLUMNS]
    if unknown:
        raise ValueError(f"no response column {unknown[0]!r}")
    select, params = [], []
    for c in columns:
        sql = "r.import_id" if c == "rule" else f"r.{c}"
        if detail_projects is not None and c in DETAIL_COLUMNS:
            inside, inside_params = in_list("r.project", detail_projects)
            sql = f"CASE WHEN {inside} THEN {sql} END"
            params += inside_params
        select.append(sql)
    where = ["r.instrument = ?"]
    params.append(instrument)
    if projects:
        where.append(f"r.project IN ({placeholders(len(projects))})")
        params += list(projects)
    if waves:
        where.append(f"r.wave IN ({placeholders(len(waves))})")
        params += [int(w) for w in waves]
    tail = (
        f" FROM responses r JOIN {quote_ident(answers_table_name(instrument))} a "
        "ON a.response_id = r.id "
        f"WHERE {' AND '.join(where)} ORDER BY r.project, r.wave, r.id"
    )
    return select, tail, params
