"""Saved searches, e-mail digests, deadline reminders and act change notices.

A service package: its tables (``tables``), pure logic (``saved_query``,
``periods``, ``reminders``, ``changes``, ``messages``) and the service object
(``service``) that the web blueprint and ``munnav alerts run`` call.
"""
