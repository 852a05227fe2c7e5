"""Mapping files: the user's column header → item, field or option, and organisation aliases.

``evaltool inspect FILE --write-mapping map.toml`` writes one to start from; ``--mapping``
gives it to an import.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from evaltool.errors import UserError


@dataclass
class Mapping:
    """A mapping file: column header → item, field or option, and organisation aliases.

    TOML (``evaltool inspect FILE --write-mapping map.toml`` writes one to start from)::

        dont_know = ["Ei kantaa"]   # extra answers that mean "don't know"
        [options]          # optional defaults for import options
        layout = "webropol"
        id_column = "Asiakasnumero"
        date_column = "Vastausaika"
        [columns]          # header text, tool code or column letter → target
        "Millaiseksi arvioitte elämänlaatunne?" = "q1"
        "Sukupuolesi" = "gender"            # a field of the instrument
        "Tavoitteet [Päivärytmi]" = "goals:routine"   # one option of a multi-select
        "Muuta palautetta" = "skip"
        [aliases]          # partner surveys: name variants merged to one organisation
        "TE toimisto" = "TE-toimisto"
    """

    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    dont_know: list[str] = field(default_factory=list)


def load_mapping(path: str | Path | None) -> Mapping:
    """Read a mapping file (TOML, see :class:`Mapping`); ``None`` gives an empty mapping.

    Parameters
    ----------
    path
        The mapping file, or None.

    Returns
    -------
    Mapping
        Its ``columns``, ``options`` and ``aliases`` tables (keys and values as text) and
        its ``dont_know`` answers.

    Raises
    ------
    UserError
        When the file does not exist, is not valid TOML, or one of its tables is not a table.
    """
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"mapping file {path}: no such file")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"mapping file {path}: not valid TOML ({exc})")
    for key in ("columns", "options", "aliases"):
        if key in data and not isinstance(data[key], dict):
            raise UserError(f"mapping file {path}: [{key}] must be a table")
    return Mapping(
        columns={str(k): str(v) for k, v in data.get("columns", {}).items()},
        options={str(k): str(v) for k, v in data.get("options", {}).items()},
        aliases={str(k): str(v) for k, v in data.get("aliases", {}).items()},
        dont_know=[str(v) for v in data.get("dont_know", [])],
    )
