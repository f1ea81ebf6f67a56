"""The postmortem linter: rules over a document and its record, fixes, reports.

One rule is one class with a stable ID (``AAR101``) in its own module under
``afteraction.lint.rules``; third-party packages add rules through the
``afteraction.rules`` entry point, as built-ins are registered.
"""
