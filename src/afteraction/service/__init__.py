"""The use cases every front end calls: the CLI now, the REST API and web UI next.

Grouped by what users do: ``documents`` (read, show, render, convert,
create), ``lint``, ``timeline``, ``actions`` and ``reports``. Each takes a
:class:`~afteraction.service.workspace.Workspace` (settings, profiles,
rules, sources, due policy and document store, built once) and typed
inputs, and returns typed results with a JSON form. Front ends import this
package, ``settings``, ``model`` and ``errors``, and nothing else of ours.
"""
