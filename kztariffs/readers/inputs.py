"""Checking a decree file before it is read, reading its bytes, and decoding text: the input side of
:mod:`kztariffs.readers`, kept apart from the dispatch to one reader per form (``read_decree``).

Before a byte is read, the file is checked (:func:`check_input_file`): only a regular file (or a link
to one) of at most :data:`MAX_FILE_BYTES` is read; a FIFO, a device, a socket, a directory or a link
to one of them is refused by name, so nothing hangs on a pipe or reads a device without end. Text is
UTF-8; UTF-16 and UTF-32 with a byte-order mark, UTF-16 without one, Windows-1251 and KZ-1048 are
decoded too, and the encoding is named in a warning of the decree (so it reaches the build report).
Mixed encodings, text with NUL bytes and binary files are refused with the reason.

Every name here is also read from :mod:`kztariffs.readers` (``from kztariffs.readers import
load_bytes``). The size limit the checks use is this module's :data:`MAX_FILE_BYTES` (a different limit
is set here, ``readers.inputs.MAX_FILE_BYTES``; ``readers.MAX_FILE_BYTES`` is a copy for reading).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Iterable

from ..errors import DecreeError

# The file names read as decrees (``read_decree`` picks the reader by these; a folder scan skips the rest).
TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
DOCX_SUFFIXES = {".docx"}
ALL_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES

# The largest decree file read (bytes). Real decrees are tens of kilobytes (text, HTML) to a few
# megabytes (PDF, DOCX); a larger file is refused before it is read, so memory stays bounded.
MAX_FILE_BYTES = 50 * 1024 * 1024


def _n(number: int) -> str:
    """``1 234 567``: thousands grouped by spaces, as the decrees print them."""
    return f"{number:,}".replace(",", " ")


# ---------------------------------------------------------------- file checks (before reading)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 10 * 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _link_note(path: Path) -> str:
    try:
        return f" (a link to {os.path.realpath(path)})" if os.path.islink(path) else ""
    except OSError:  # pragma: no cover - a link loop is reported by stat first
        return " (a link)"


def _refusal(path: Path, st: os.stat_result, size: bool = True) -> str | None:
    """Why a file with these stat results is not read, or None when it is a regular file of a sane size
    (``size=False``: of any size)."""
    if stat.S_ISDIR(st.st_mode):
        return f"is a directory{_link_note(path)}, not a decree file"
    if not stat.S_ISREG(st.st_mode):
        return f"is {_kind(st.st_mode)}{_link_note(path)}, not a regular file; refused without reading it"
    if size and st.st_size > MAX_FILE_BYTES:
        return (f"file of {_n(st.st_size)} bytes, over the limit of {_n(MAX_FILE_BYTES)} bytes "
                f"({_mb(MAX_FILE_BYTES)}, readers.MAX_FILE_BYTES) for a decree file; refused without reading it")
    return None


def _stat(path: Path) -> os.stat_result:
    """``os.stat`` of the path (links followed), with a one-line DecreeError when there is nothing to read."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise DecreeError(path, f"broken link (to {os.readlink(path)}): file not found") from None
        raise DecreeError(path, "file not found") from None
    except OSError as exc:
        raise DecreeError(path, f"cannot read file ({exc.strerror or type(exc).__name__})") from None


def input_problem(path: str | Path, size: bool = True) -> str | None:
    """The reason a decree file would be refused before reading (missing, not a regular file, too
    large), or None when it can be read; ``size=False`` leaves the size out (a folder scan skips what
    is not a file, but a file too large is a decree that fails, like any unreadable one). Never
    opens the file."""
    try:
        return _refusal(Path(path), _stat(Path(path)), size)
    except DecreeError as exc:
        return exc.reason


def check_input_file(path: str | Path) -> None:
    """Raise a one-line :class:`DecreeError` unless ``path`` is a regular file (or a link to one) of at
    most :data:`MAX_FILE_BYTES`. Only ``stat`` is used: a FIFO or a device is never opened."""
    path = Path(path)
    reason = _refusal(path, _stat(path))
    if reason:
        raise DecreeError(path, reason)


def check_distinct_inputs(paths: Iterable[str | Path]) -> None:
    """Raise a one-line :class:`DecreeError` when one file is given twice (the same path, another
    spelling of it, or a link to it): its rows would be stored twice."""
    seen: dict[tuple[int, int], Path] = {}
    for p in map(Path, paths):
        try:
            st = os.stat(p)
        except OSError:
            continue  # a missing file is reported when it is read
        key = (st.st_dev, st.st_ino)
        if key in seen:
            same = "given twice" if os.path.abspath(seen[key]) == os.path.abspath(p) else f"the same file as {seen[key]}"
            raise DecreeError(p, f"{same}; give each decree file once")
        seen[key] = p


def describe_skipped(paths: Iterable[str | Path]) -> list[str]:
    """One line for each entry of a decree folder that is left out although its name looks like a
    decree (a supported extension): a directory, a FIFO, a device, a socket, a broken link or a link
    to one of them. Hidden files (``.name``) are left out silently; a regular file too large is not
    skipped but fails when it is read (``load_bytes``), as an unreadable decree does."""
    lines = []
    for p in map(Path, paths):
        if p.name.startswith(".") or p.suffix.lower() not in ALL_SUFFIXES:
            continue
        reason = input_problem(p, size=False)
        if reason:
            lines.append(f"{p}: {reason}; skipped")
    return lines


def load_bytes(path: Path) -> bytes:
    """The bytes of a decree file, after :func:`check_input_file`'s checks; never more than
    :data:`MAX_FILE_BYTES` are read (a file swapped or grown after the check is refused too)."""
    path = Path(path)
    check_input_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO put in its place since the check cannot hang us
    except FileNotFoundError:
        raise DecreeError(path, "file not found") from None
    except IsADirectoryError:
        raise DecreeError(path, "is a directory, not a decree file") from None
    except OSError as exc:
        raise DecreeError(path, f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    with os.fdopen(fd, "rb") as fh:
        reason = _refusal(path, os.fstat(fh.fileno()))
        if reason:
            raise DecreeError(path, reason)
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise DecreeError(path, f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise DecreeError(path, f"file is over the {_mb(MAX_FILE_BYTES)} limit for a decree file "
                                "(readers.MAX_FILE_BYTES); refused")
    if not data:
        raise DecreeError(path, "empty file (0 bytes)")
    if not data.strip():
        raise DecreeError(path, "empty file (only whitespace)")
    return data


# ---------------------------------------------------------------- text encodings

_BOMS = [  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xef\xbb\xbf", "utf-8", None), (b"\xff\xfe", "utf-16-le", "UTF-16 LE"), (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
]
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LOST_LETTER = re.compile(r"[\u0400-\u04ff]\?[\u0400-\u04ff]")  # "Б?йры?": a letter the encoding could not hold
_KAZAKH_IN_KZ1048 = re.compile(r"[\u0400-\u04ff][ӘәҒғҚқҢңӨөҰұҮүҺһ]|[ӘәҒғҚқҢңӨөҰұҮүҺһ][\u0400-\u04ff]")
_TEXT_CONTROLS = set("\t\n\r\f\v")


def _looks_like_text(text: str) -> bool:
    """Mostly printable characters (as a decoded text file is; random bytes decoded are not)."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample if not ch.isprintable() and ch not in _TEXT_CONTROLS)
    return bad <= len(sample) * 0.01 and "\x00" not in sample


def _offset_line(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"offset {offset}, line {line}"


def _decode_bom(path: Path, data: bytes) -> tuple[str, str | None] | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise DecreeError(path, f"{name or 'UTF-8'} text (it starts with a byte-order mark) with an "
                                        f"invalid character at byte {exc.start + len(bom)}; damaged or "
                                        "mixed encodings? save the file as UTF-8") from None
            return text, (f"decoded as {name} (byte-order mark); UTF-8 is expected" if name else None)
    return None


def _decode_utf16_unmarked(data: bytes) -> tuple[str, str] | None:
    """Text in UTF-16 without a byte-order mark: NUL bytes (the high byte of ASCII characters) at odd or
    even offsets only, and the whole decoding printable."""
    if len(data) % 2:
        return None
    head = data[:65536]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for zeros, others, codec, name in ((odd, even, "utf-16-le", "UTF-16 LE"), (even, odd, "utf-16-be", "UTF-16 BE")):
        if zeros and not others:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, f"decoded as {name} without a byte-order mark; UTF-8 is expected"
    return None


def _decode_8bit(path: Path, data: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Windows-1251 (Russian) or KZ-1048 (Kazakh) text, or a one-line refusal saying what it is."""
    where = _offset_line(data, exc.start)
    around = data[max(0, exc.start - 100_000):exc.start + 100_000].decode("utf-8", errors="replace")
    bad = around.count("\ufffd")  # near the first invalid byte: a mixed file is UTF-8 on one side of it
    good = sum(1 for ch in around if ch > "\x7f") - bad
    if good >= 8 and good >= 0.02 * (good + bad):
        raise DecreeError(path, f"mixed encodings: UTF-8 text with bytes of another encoding (first at {where}); "
                                "save the whole file as UTF-8")
    try:
        cp1251 = data.decode("cp1251")
    except UnicodeDecodeError:
        cp1251 = None
    letters = [ch for ch in (cp1251 or "")[:200000] if ch.isalpha() and not ch.isascii()]
    cyrillic = [ch for ch in letters if _CYRILLIC.match(ch)]
    lower = sum(1 for ch in cyrillic if ch.islower())
    if cp1251 is None or len(cyrillic) < 20 or len(cyrillic) < 0.9 * len(letters) or lower < 0.5 * len(cyrillic):
        raise DecreeError(path, f"not UTF-8 text (invalid byte at {where}), and not Windows-1251 Cyrillic "
                                "either; save the file as UTF-8")
    lost = _LOST_LETTER.findall(cp1251)
    if len(lost) >= 2:
        raise DecreeError(path, f"not UTF-8 but Windows-1251 text in which letters were lost ({len(lost)} '?' "
                                f"inside words, e.g. {lost[0]!r}: the Kazakh letters cannot be written in "
                                "Windows-1251); save the original as UTF-8")
    kz = data.decode("kz1048", errors="replace")
    if len(_KAZAKH_IN_KZ1048.findall(kz)) >= 3:
        return kz, "decoded as KZ-1048 (Windows Kazakh), not UTF-8; check its letters or save it as UTF-8"
    return cp1251, "decoded as Windows-1251, not UTF-8; check its letters or save it as UTF-8"


def decode(path: Path, data: bytes) -> tuple[str, str | None]:
    """The text of a text or HTML file and a note naming its encoding when it is not UTF-8.

    A binary file, text with NUL bytes, mixed encodings or an unknown 8-bit encoding is refused with
    a one-line :class:`DecreeError`. Line ends become ``\\n``."""
    found = _decode_bom(path, data)
    if found is None:
        head = data[:4096]
        if head.startswith(b"%PDF-"):
            raise DecreeError(path, "binary file: a PDF, not a text decree (wrong extension? name it .pdf)")
        if head.startswith(b"PK\x03\x04"):
            raise DecreeError(path, "binary file: a ZIP archive or Word file, not a text decree (wrong extension?)")
        if b"\x00" in data:
            found = _decode_utf16_unmarked(data)
            if found is None:
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    raise DecreeError(path, "binary file, not a text decree (wrong extension?)") from None
                first = data.index(b"\x00")
                raise DecreeError(path, f"text with NUL bytes ({data.count(0)}, first at "
                                        f"{_offset_line(data, first)}): a damaged file?") from None
    if found is None:
        try:
            found = data.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            found = _decode_8bit(path, data, exc)
    text, note = found
    if "\x00" in text:
        raise DecreeError(path, f"text with NUL characters (first at character {text.index(chr(0))}): a damaged file?")
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def decode_text(path: Path, data: bytes) -> str:
    """The text of a text or HTML file (see :func:`decode`), without the note on its encoding."""
    return decode(path, data)[0]
