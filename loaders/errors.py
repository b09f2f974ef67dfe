"""Errors the loaders raise for input the user can fix."""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(Exception):
    """Bad input: a missing, empty, binary, undecodable or unsupported file, a bad sidecar, …

    The message is one line of the form ``<file>: <problem>; <what to do>`` so that a
    command line can print it as is and a batch report can take the file name from
    the text before the first colon.
    """
