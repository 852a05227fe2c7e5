"""evaltool: evaluation toolkit for intermediate labour market (välityömarkkinat) projects.

The library is organised as a one-way pipeline::

    readers (file → raw cells) → layouts (raw cells → tidy responses)
    → instruments (columns → items, labels → codes, scoring)
    → validation (typed issues with positions) → workspace (SQLite store)
    → outcomes / cooperation (indicators) → report (HTML, Excel)
"""

__version__ = "0.1.0"
