"""Columns → items and fields; cells → codes; respondent ids.

The step between a recognised survey table (:mod:`evaltool.layouts`) and the checks
(:mod:`evaltool.validate`): which column holds which question, and what each answer means.
"""
