"""The workspace store: the only place that speaks SQL.

:class:`Workspace` is the one object callers use; the store's errors are those of the
database engine under it (:mod:`evaltool.store.engine`).
"""

from evaltool.store.engine import DatabaseError, IntegrityError
from evaltool.store.partners import PartnerTables
from evaltool.store.workspace import Workspace

__all__ = ["DatabaseError", "IntegrityError", "PartnerTables", "Workspace"]
