"""Scoring: the instruments' scoring rules (:mod:`.rules`) and the scores of stored
responses (:mod:`.stored`)."""

from __future__ import annotations

from evaltool.scoring.rules import reversed_values, score

__all__ = ["reversed_values", "score"]
