"""Validation as named checks: one function per check, grouped per import kind.

=========================  ===============================================================
module                     holds
=========================  ===============================================================
:mod:`.rows`               rows of a delimited text file whose values moved columns (every
                           import of a text file)
:mod:`.clients`            the client questionnaire checks: :class:`~.clients.FileContext`
                           and the ordered tuples :data:`~.clients.CLIENT_CHECKS`
=========================  ===============================================================

A check has the signature ``check(ctx, report) -> None``: it reads a file's context and adds
issues (:mod:`evaltool.issues`) to the report; it never raises on bad data.
"""
