"""Mapping files: the user's column header → item, field or option, and organisation aliases.

``evaltool inspect FILE --write-mapping map.toml`` writes one to start from; ``--mapping``
gives it to an import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evaltool.errors import UserError
from evaltool.instruments.toml_text import parse_toml, table, text_list


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
        Naming the file and the key: the file does not exist, is not valid TOML (or nested
        too deep), one of its tables is not a table, or ``dont_know`` is not a list of texts.
    """
    if path is None:
        return Mapping()
    path = Path(path)
    source = f"mapping file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{source}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{source}: cannot be read as UTF-8 text ({exc})")
    data = parse_toml(text, source)
    tables = {key: table(data, key, source) for key in ("columns", "options", "aliases")}
    for key, entries in tables.items():
        for k, v in entries.items():
            if isinstance(v, (dict, list)):
                raise UserError(f"{source}: [{key}] {k!r} must be a text, not a table or list")
    return Mapping(
        columns={str(k): str(v) for k, v in tables["columns"].items()},
        options={str(k): str(v) for k, v in tables["options"].items()},
        aliases={str(k): str(v) for k, v in tables["aliases"].items()},
        dont_know=text_list(data, "dont_know", source),
    )
