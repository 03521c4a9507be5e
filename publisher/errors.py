"""The one exception a user's mistake raises: printed as one line, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake of the user's (a path, a YAML file, an input file): one line, no traceback."""
