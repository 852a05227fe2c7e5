"""Workspace settings: ``min_n`` (the smallest group a table shows) and ``lang``."""

from __future__ import annotations

from evaltool.errors import UserError
from evaltool.store.engine import Connection

#: Settings of a new workspace.
DEFAULT_SETTINGS = {"min_n": "5", "lang": "fi"}
#: Languages of the reports.
LANGUAGES = ("fi", "sv", "en")


def check_setting(key: str, value: str) -> None:
    """Raise :class:`~evaltool.errors.UserError` unless ``value`` is valid for ``key``."""
    if key in ("min_n", "open_min_n"):
        if not str(value).isdigit() or int(value) < 1:
            raise UserError(f"{key} must be a whole number ≥ 1, not {value!r}")
    elif key == "lang":
        if value not in LANGUAGES:
            raise UserError(f"lang must be fi, sv or en, not {value!r}")
    else:
        raise UserError(f"unknown setting {key!r}; settings: min_n, open_min_n, lang")


class SettingsStore:
    """The ``settings`` table (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    def settings(self) -> dict[str, str]:
        """Every stored setting, key → value."""
        return dict(self.conn.execute("SELECT key, value FROM settings").fetchall())

    def get_setting(self, key: str) -> str:
        """A setting's value, else its default, else ``""``."""
        return self.settings().get(key, DEFAULT_SETTINGS.get(key, ""))

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (in its own transaction) after checking it."""
        check_setting(key, value)
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, str(value)))

    @property
    def min_n(self) -> int:
        """The smallest number of respondents a table shows (setting ``min_n``)."""
        return int(self.get_setting("min_n"))
