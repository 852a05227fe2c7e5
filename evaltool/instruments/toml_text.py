"""Reading the TOML of definition and mapping files: errors name the file and the key.

Every user-written TOML file (instrument and partner-survey definitions, mapping files) is
parsed by :func:`parse_toml`, and its values are taken with :func:`table`,
:func:`text_list` and :func:`number_list`, so that a file nested too deep, a list given as a
single value (``dont_know = 5``) or a table given as text is a clear error, never a
traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable

from evaltool.errors import UserError

__all__ = ["number_list", "parse_toml", "table", "text_list"]


def parse_toml(text: str, source: str, error: Callable[[str], Exception] = UserError) -> dict:
    """Parse TOML text from ``source`` (a file name for messages).

    Parameters
    ----------
    text : str
        The file's text.
    source : str
        The file, named in error messages.
    error : callable
        The exception class to raise (a :class:`~evaltool.errors.UserError` subclass).

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    UserError
        (or ``error``) When the text is not valid TOML or nests arrays or inline tables
        deeper than the parser can follow.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: not valid TOML ({exc})") from exc
    except RecursionError as exc:  # arrays or inline tables nested hundreds deep
        raise error(
            f"{source}: arrays or inline tables nested too deep; not a definition file"
        ) from exc


def table(data: dict, key: str, source: str, error: Callable[[str], Exception] = UserError) -> dict:
    """``data[key]`` as a table (empty when absent); an error naming ``key`` otherwise."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise error(f"{source}: {key} must be a table ([{key}]), not {_kind(value)}")
    return value


def text_list(
    data: dict, key: str, source: str, error: Callable[[str], Exception] = UserError
) -> list[str]:
    """``data[key]`` as a list of texts (empty when absent; a single text is a list of one);
    an error naming ``key`` when it is a number, a table or holds one."""
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or any(not isinstance(v, (str, int, float)) for v in value):
        raise error(
            f'{source}: {key} must be a list of texts, e.g. {key} = ["…"], not {_kind(value)}'
        )
    return [str(v) for v in value]


def number_list(
    data: dict, key: str, source: str, error: Callable[[str], Exception] = UserError
) -> list[float]:
    """``data[key]`` as a list of numbers (empty when absent; a single number is a list of
    one); an error naming ``key`` otherwise."""
    value = data.get(key, [])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, (int, float)) for v in value
    ):
        raise error(
            f"{source}: {key} must be a list of numbers, e.g. {key} = [9], not {_kind(value)}"
        )
    return [float(v) for v in value]


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list holding " + ", ".join(sorted({_kind(v) for v in value})) if value else "[]"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return repr(value)[:40]
