"""Errors that reach the user as one line: the file and what is wrong with it."""
from __future__ import annotations

from pathlib import Path


class DecreeError(Exception):
    """A decree file could not be read. ``str()`` is the one-line message shown to users."""

    def __init__(self, path: str | Path | None, reason: str):
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class NoTariffTable(DecreeError):
    """The file is a readable decree but holds no tariff table (metadata may still be read)."""

    def __init__(self, path, reason: str = "no tariff table found", decree=None):
        super().__init__(path, reason)
        self.decree = decree
