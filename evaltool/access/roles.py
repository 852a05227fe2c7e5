"""Roles and what each may do.

======================  =============================================================
role                    may
======================  =============================================================
``admin``               everything, and manage accounts and settings
``evaluator``           everything on every project: import, delete, results, reports,
                        the audit log
``staff``               (project staff) import into, delete imports of, see results and
                        reports of their own projects; programme figures only as the
                        reports show them (the same suppression)
``viewer``              read the reports of their own projects
======================  =============================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Every role, most powerful first.
ROLES = ("admin", "evaluator", "staff", "viewer")

#: Actions and the roles allowed them.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view_workspace": frozenset({"admin", "evaluator", "staff"}),
    "import": frozenset({"admin", "evaluator", "staff"}),
    "import_programme": frozenset({"admin", "evaluator"}),
    "delete_import": frozenset({"admin", "evaluator", "staff"}),
    "view_results": frozenset({"admin", "evaluator", "staff"}),
    "view_cooperation": frozenset({"admin", "evaluator", "staff"}),
    "build_reports": frozenset({"admin", "evaluator", "staff"}),
    "build_programme": frozenset({"admin", "evaluator"}),
    "read_reports": frozenset(ROLES),
    "settings": frozenset({"admin"}),
    "accounts": frozenset({"admin"}),
    "audit": frozenset({"admin", "evaluator"}),
}


@dataclass(frozen=True)
class User:
    """The account making a request.

    ``projects`` are the projects a staff member or viewer may see (project labels of the
    client data or register codes); admins and evaluators see every project.
    """

    username: str
    role: str
    projects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def all_projects(self) -> bool:
        """Whether the account sees every project."""
        return self.role in ("admin", "evaluator")

    def may(self, action: str) -> bool:
        """Whether the role allows ``action`` (a key of :data:`PERMISSIONS`)."""
        return self.role in PERMISSIONS[action]

    def sees(self, project: str | None) -> bool:
        """Whether the account may see ``project`` (None: programme-wide figures, which
        everyone who may see results sees as the reports show them)."""
        if project is None or self.all_projects:
            return True
        from evaltool.text import fold

        return fold(project) in {fold(p) for p in self.projects}


#: The user of a local workspace without accounts: everything, on this computer.
LOCAL_USER = User("local", "admin")


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`; ValueError otherwise."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    return role


def project_aliases(ws, projects: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``projects`` with the other names of each: a register code's project name and the
    client-data labels matched to it, and a label's register code (so an account given a
    code sees the project's questionnaires and the other way round)."""
    from evaltool.imports.register import project_register, register_lookup
    from evaltool.text import fold

    if not projects:
        return ()
    register = project_register(ws)
    labels = ws.projects_seen()
    to_code = register_lookup(register, labels) if len(register) else {}
    names = dict(zip(register["code"], register["name"], strict=True)) if len(register) else {}
    wanted = {fold(p) for p in projects}
    out = set(projects)
    for label, code in to_code.items():
        if code is not None and (fold(label) in wanted or fold(code) in wanted):
            out |= {label, code, str(names.get(code, code))}
    for code, name in names.items():
        if fold(code) in wanted or fold(str(name)) in wanted:
            out |= {code, str(name)}
    return tuple(sorted(out))
