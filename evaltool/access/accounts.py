"""Accounts: creating them, checking a password, and slowing down guessing.

Passwords are hashed with Argon2id (argon2-cffi's :class:`~argon2.PasswordHasher`, its
default parameters; a hash is rehashed on login when those parameters change). Nothing here
implements cryptography itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from evaltool.access.roles import User, check_role
from evaltool.errors import UserError
from evaltool.store import users as store

#: Shortest password accepted.
MIN_PASSWORD = 12
#: Failed logins of one name before further tries of it are refused for a while.
MAX_FAILURES = 5
#: Failed logins from one address (of any names) before it is refused for a while (higher:
#: an office may reach the server through one address).
MAX_ADDRESS_FAILURES = 20
#: The window (seconds) in which failures are counted, and how long a refusal lasts.
FAILURE_WINDOW = 15 * 60
_hasher = PasswordHasher()


def check_username(name: str) -> str:
    """A user name: 1–64 letters, digits, ``.``, ``_``, ``-`` or ``@``."""
    import re

    name = str(name).strip()
    if not re.fullmatch(r"[\w.@-]{1,64}", name):
        raise UserError(f"user name {name!r}: 1–64 letters, digits or . _ - @")
    return name


def create_user(ws, username: str, password: str, role: str, projects: Sequence[str] = ()) -> User:
    """Add an account.

    Raises
    ------
    UserError
        For a bad name, a name in use, an unknown role, a short password, or project staff
        and viewers without a project.
    """
    username = check_username(username)
    try:
        check_role(role)
    except ValueError as exc:
        raise UserError(str(exc))
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if role in ("staff", "viewer") and not projects:
        raise UserError(f"a {role} account needs at least one --project")
    if store.find_user(ws, username) is not None:
        raise UserError(f"there is already an account {username!r}")
    store.add_user(ws, username, _hasher.hash(password), role, list(projects))
    store.log_action(ws, username, "account_created", {"role": role, "projects": list(projects)})
    return User(username, role, tuple(projects))


def change_password(ws, username: str, password: str) -> None:
    """Set a new password for an account."""
    if store.find_user(ws, username) is None:
        raise UserError(f"no account {username!r}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    store.set_password_hash(ws, username, _hasher.hash(password))
    store.log_action(ws, username, "password_changed")


def authenticate(ws, username: str, password: str) -> User | None:
    """The account when ``password`` is its password and it is not disabled, else None
    (the same answer for an unknown name, so names cannot be probed)."""
    record = store.find_user(ws, str(username).strip())
    if record is None:
        _hasher.hash(password)  # the same work as for a real account
        return None
    try:
        _hasher.verify(record["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    if record["disabled"]:
        return None
    if _hasher.check_needs_rehash(record["password_hash"]):
        store.set_password_hash(ws, record["username"], _hasher.hash(password))
    return User(record["username"], record["role"], tuple(record["projects"]))


class LoginThrottle:
    """Counts failed logins per user name and per client address; after
    :data:`MAX_FAILURES` failures of a name (or :data:`MAX_ADDRESS_FAILURES` from an address)
    within :data:`FAILURE_WINDOW` seconds, further tries of that name (from that address)
    are refused until the window has passed."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW,
        max_address_failures: int = MAX_ADDRESS_FAILURES,
    ):
        self.max_failures = max_failures
        self.max_address_failures = max_address_failures
        self.window = window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def blocked(self, username: str, address: str) -> bool:
        """Whether a login of ``username`` from ``address`` is refused now."""
        now = time.monotonic()
        with self._lock:
            return (
                len(self._recent(f"user:{username.casefold()}", now)) >= self.max_failures
                or len(self._recent(f"addr:{address}", now)) >= self.max_address_failures
            )

    def failed(self, username: str, address: str) -> None:
        """Record a failed login."""
        now = time.monotonic()
        with self._lock:
            for key in (f"user:{username.casefold()}", f"addr:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        """Forget the name's failures after a successful login."""
        with self._lock:
            self._failures.pop(f"user:{username.casefold()}", None)
