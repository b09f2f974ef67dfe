"""Errors the storage layer raises; each message is one line that says what to do."""

__all__ = ["StoreError", "StoreLocked", "StoreMissing", "QueryError", "ReadOnlyViolation", "StoreUnavailable"]


class StoreError(Exception):
    """Base class: the CLI prints the message and exits non-zero."""


class StoreLocked(StoreError):
    """Another process holds the database."""


class StoreMissing(StoreError):
    """No graph exists at the configured location yet."""


class QueryError(StoreError):
    """A Cypher statement failed to parse or bind."""


class ReadOnlyViolation(StoreError):
    """A statement tried to write through a read-only connection."""


class StoreUnavailable(StoreError):
    """A server could not be reached or refused the credentials."""
