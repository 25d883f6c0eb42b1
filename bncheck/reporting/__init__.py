"""Renderers, one per output format.  The core never prints; these do."""

FORMATS_FINDINGS = ("text", "json", "sarif", "github")
