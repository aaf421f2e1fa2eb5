"""Legal advice (issue 21): questions from officials, answers by lawyers.

``model`` (pure: statuses, anonymisation, the published consultation),
``picker`` and ``citations_form`` (pure: citations checked against the base),
``tables`` + ``service`` (the queue in the project database), ``forms`` and
``views`` (the thin ``/legal/`` blueprint).
"""
