"""The workspace store: the only place that speaks SQL."""

from evaltool.store.workspace import Workspace

__all__ = ["Workspace"]
