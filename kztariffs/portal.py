"""The legal portal adilet.zan.kz: document ids, URL patterns, file names and the checks that tell a
downloaded decree from an error page or a cut-off file (``fetch.py`` does the downloading).

How the portal serves a decree (``/work/shared/data/README.md``):

- page: ``/{lang}/docs/{ID}`` with ``lang`` ``kaz`` or ``rus`` (each language is its own published text)
- PDF: ``/{lang}/docs/{ID}/download`` redirects to a URL carrying ``;jsessionid=...``, which answers 404
  unless that part is removed; the file itself lives under ``/files/pdf/...``
- Word: ``/{lang}/docs/{ID}/download/docx``
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://adilet.zan.kz"

#: portal language code -> the language code of the project's file names (and of the build)
LANGS = {"kaz": "kk", "rus": "ru"}
_LANG_ALIASES = {"kaz": "kaz", "kk": "kaz", "kz": "kaz", "rus": "rus", "ru": "rus"}
FORMS = ("pdf", "docx", "html")
#: what ``fetch`` asks for by default: every language, one form. ``kztariffs build`` reads one form of
#: each language version of a decree (two forms of one text would duplicate its rows), so the default
#: fetch builds as it is; the page is the form the project's other portal files (portal text view) come from.
DEFAULT_LANGS = ("kaz", "rus")
DEFAULT_FORMS = ("html",)

#: a local act (``G25ZA02999A``: G + year + body code + 5 characters + A akimat / M maslikhat) or a
#: national act (``V2300032987``)
DOC_ID = re.compile(r"G\d{2}[A-Z][A-Z0-9][A-Z0-9]{5}[AM]|V\d{10}")
_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)


class PortalError(ValueError):
    """A bad id, language or form given by the user (one-line message)."""


# ---------------------------------------------------------------- ids, languages, forms

def parse_ids(values) -> list[str]:
    """Portal document ids, upper-cased, in the order given, each once; a bad id is refused."""
    out: list[str] = []
    for value in values:
        pid = value.strip().upper()
        if not DOC_ID.fullmatch(pid):
            raise PortalError(f"{value.strip()!r} is not a portal document id "
                              "(expected e.g. G25ZA02999A for a local act or V2300032987 for a national one)")
        if pid not in out:
            out.append(pid)
    return out


def read_ids_file(path: Path) -> list[str]:
    """Ids of a file with one id a line; blank lines and ``#`` comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PortalError(f"{path}: cannot read the list of ids ({exc.strerror or exc})") from None
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    try:
        return parse_ids(line for line in lines if line)
    except PortalError as exc:
        raise PortalError(f"{path}: {exc}") from None


def parse_langs(text: str) -> list[str]:
    """``kaz,rus`` (``kk``, ``ru`` accepted too) -> portal codes ``["kaz", "rus"]``."""
    out = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part not in _LANG_ALIASES:
            raise PortalError(f"unknown language {part!r}; use kaz and/or rus (e.g. --lang kaz,rus)")
        if _LANG_ALIASES[part] not in out:
            out.append(_LANG_ALIASES[part])
    if not out:
        raise PortalError("no language given; use kaz and/or rus")
    return out


def parse_forms(text: str) -> list[str]:
    out = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part not in FORMS:
            raise PortalError(f"unknown form {part!r}; use one or more of {', '.join(FORMS)}")
        if part not in out:
            out.append(part)
    if not out:
        raise PortalError(f"no form given; use one or more of {', '.join(FORMS)}")
    return out


# ---------------------------------------------------------------- URLs and file names

def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PortalError(f"{base_url!r} is not a base URL (expected e.g. {DEFAULT_BASE_URL})")
    return base_url.strip().rstrip("/")


def page_url(base_url: str, lang: str, pid: str) -> str:
    """The decree's page on the portal in one language (what a citation links to)."""
    return f"{base_url.rstrip('/')}/{lang}/docs/{pid}"


def doc_url(base_url: str, lang: str, pid: str, form: str) -> str:
    """The URL a form of the decree is asked at."""
    page = page_url(base_url, lang, pid)
    return {"html": page, "pdf": f"{page}/download", "docx": f"{page}/download/docx"}[form]


def strip_jsessionid(url: str) -> str:
    """``/files/pdf/x.pdf;jsessionid=AB12?y`` -> ``/files/pdf/x.pdf?y`` (the portal 404s the former)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=_JSESSIONID.sub("", parts.path)))


def file_name(pid: str, lang: str, form: str) -> str:
    """``G25ZA02999A_kk.pdf``: the portal id (read back by ``areas.find_portal_id``), the language of
    the file names (``kk``/``ru``) and the form."""
    return f"{pid}_{LANGS[lang]}.{form}"


# ---------------------------------------------------------------- is it the decree, and whole?

class NotADecree(Exception):
    """The answer is not the decree asked for (an error or other page): not asked again."""


class Incomplete(Exception):
    """The answer is the right kind of file but cut off: asked again."""


def check_content(path: Path, form: str, pid: str) -> None:
    """Raise :class:`NotADecree` or :class:`Incomplete` unless ``path`` holds a whole decree of ``form``."""
    size = path.stat().st_size
    if size == 0:
        raise Incomplete("empty answer")
    with open(path, "rb") as fh:
        head = fh.read(2048)
        fh.seek(max(size - 2048, 0))
        tail = fh.read()
    looks_html = head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))
    if form == "pdf":
        if not head.startswith(b"%PDF"):
            raise NotADecree("an HTML page, not a PDF" if looks_html else "not a PDF (does not start with %PDF)")
        if b"%%EOF" not in tail[-1024:]:
            raise Incomplete(f"PDF cut off ({size} bytes, no %%EOF at the end)")
    elif form == "docx":
        if not head.startswith(b"PK"):
            raise NotADecree("an HTML page, not a Word file" if looks_html else "not a Word file (not a ZIP)")
        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" not in zf.namelist():
                    raise NotADecree("a ZIP without word/document.xml, not a Word file")
                bad = zf.testzip()
        except zipfile.BadZipFile as exc:
            raise Incomplete(f"Word file cut off or damaged ({exc})") from None
        if bad is not None:
            raise Incomplete(f"Word file damaged ({bad} fails its CRC check)")
    elif form == "html":
        if not looks_html and b"<html" not in head.lower():
            raise NotADecree("not an HTML page")
        if pid.encode("ascii") not in path.read_bytes().upper():
            raise NotADecree(f"page does not mention {pid} (not the decree's page)")
    else:  # pragma: no cover - forms are checked by parse_forms
        raise ValueError(form)
