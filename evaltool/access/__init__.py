"""Who may do what in a team workspace: accounts with hashed passwords, roles, the projects
of each account, login throttling and the audit log.

A workspace without accounts is a local single-user workspace: the browser workspace asks
for no login and serves this computer only. Once an account exists, every page, download
and request of the browser workspace needs a login and is checked against the account's
role and projects (:mod:`evaltool.access.roles`).
"""
