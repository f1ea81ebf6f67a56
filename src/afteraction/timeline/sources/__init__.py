"""The built-in timeline sources, one module each (registered through ``afteraction.sources``)."""
