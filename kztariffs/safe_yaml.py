"""YAML read safely: plain data only, no aliases, bounded size and nesting.

Every YAML file the package reads (vocabularies, scenarios, the decisions file, scenario overrides
given on the command line) goes through :func:`loads` or :func:`load_file`. On top of PyYAML's safe
loader (no Python objects) it refuses:

- aliases (``*name``, and so ``<<: *name`` merges): a few lines of anchors and aliases can stand for
  billions of values ("billion laughs"), which every consumer walking the data would expand;
- nesting deeper than :data:`MAX_DEPTH` (the composer recurses: ``[[[[...`` would end in a
  RecursionError), and files larger than :data:`MAX_BYTES`.

Each refusal is a :class:`YAMLRefused` (a ``yaml.YAMLError``) with a one-line message naming the line.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import DecreeError

MAX_BYTES = 5 * 1024 * 1024  # the project's YAML files are a few kilobytes
MAX_DEPTH = 64


class YAMLRefused(yaml.YAMLError):
    """YAML that is well-formed but not read (aliases, too deep, too large); ``str()`` is one line."""

    def __init__(self, message: str, line: int | None = None):
        self.problem = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer refuses aliases and deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            raise YAMLRefused(f"alias *{event.anchor} refused: aliases and anchors are not read "
                              "(they can expand without bound); write the values out", line)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLRefused(f"nested more than {MAX_DEPTH} levels deep", line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def loads(text: str) -> Any:
    """Parse one YAML document of plain data (see the module's notes); raises ``yaml.YAMLError``."""
    if len(text) > MAX_BYTES:
        raise YAMLRefused(f"{len(text)} characters, over the limit of {MAX_BYTES // 1024 // 1024} MB for a YAML file")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise YAMLRefused("nested too deeply") from None


def read_text(path: Path) -> str:
    """The UTF-8 text of a YAML file; a one-line DecreeError for a missing, special, too large or
    non-UTF-8 file (a FIFO or a device is never opened)."""
    path = Path(path)

    def check(st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):
            raise DecreeError(path, "not a regular file (a directory, FIFO or device?); refused without reading it")
        if st.st_size > MAX_BYTES:
            raise DecreeError(path, f"YAML file of {st.st_size / 1024 / 1024:.0f} MB, over the limit of "
                                    f"{MAX_BYTES // 1024 // 1024} MB; refused without reading it")

    try:
        check(os.stat(path))
        # non-blocking: a FIFO put in the file's place after the check cannot hang the read
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            check(os.fstat(fh.fileno()))
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DecreeError(path, "file not found") from None
    except OSError as exc:
        raise DecreeError(path, f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_BYTES:
        raise DecreeError(path, f"over the limit of {MAX_BYTES // 1024 // 1024} MB for a YAML file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecreeError(path, f"not UTF-8 text (invalid byte at offset {exc.start})") from None


def load_file(path: Path) -> Any:
    """:func:`read_text` + :func:`loads`, every problem as a one-line DecreeError naming the file."""
    path = Path(path)
    text = read_text(path)
    try:
        return loads(text)
    except YAMLRefused as exc:
        raise DecreeError(path, f"YAML refused: {exc}") from None
    except yaml.YAMLError as exc:
        raise DecreeError(path, f"not valid YAML{where(exc)}: {problem(exc)}") from None


def where(exc: yaml.YAMLError) -> str:
    """`` at line N`` of a YAML error, or ``""``."""
    if isinstance(exc, YAMLRefused):
        return f" at line {exc.line}" if exc.line else ""
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}" if mark is not None else ""


def problem(exc: yaml.YAMLError) -> str:
    """The one-line description of a YAML error, without its position."""
    text = getattr(exc, "problem", None) or str(exc)
    return " ".join(str(text).split())
