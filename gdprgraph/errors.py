"""Errors a user can act on. The CLI prints ``str(error)`` on one line and exits 2."""
from __future__ import annotations

from pathlib import Path


class GdprGraphError(Exception):
    """Base class: anything the library raises on purpose."""


class InputError(GdprGraphError):
    """Bad input: names the file, the line (when known) and what was expected."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        where = ""
        if self.path:
            where = self.path + (f":{line}" if line else "") + ": "
        elif line:
            where = f"line {line}: "
        super().__init__(where + message)


class UnknownTermError(GdprGraphError):
    """A term the vocabulary and the register do not know; carries suggestions."""

    def __init__(self, term: str, suggestions: list[str] | None = None, kind: str = "term") -> None:
        self.term = term
        self.suggestions = suggestions or []
        msg = f"unknown {kind} {term!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class UsageError(GdprGraphError):
    """A request the library cannot honour as asked (wrong option combination, unknown format)."""
