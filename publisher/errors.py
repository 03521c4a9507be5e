"""The one exception a user's mistake raises: printed as one line, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake of the user's (a path, a YAML file, an input file): one line, no traceback."""


def shown(text: str, chars: int = 40) -> str:
    """A value from a file as an error message may show it: control characters escaped,
    cut to ``chars`` characters with an ellipsis."""
    cut = text[:chars]
    cut = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in cut)
    return cut + ("…" if len(text) > chars else "")
