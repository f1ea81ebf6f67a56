"""Documents: render records to Markdown and HTML, and parse Markdown back, by profile."""
