"""Accounts: users, roles, sign-in methods, authorisation and the audit log.

``tables`` (schema), ``model`` and ``permissions`` (pure), ``service``
(every read and write), ``signin`` (the registry of sign-in methods),
``audit`` (the append-only log). The web layer only calls these.
"""
