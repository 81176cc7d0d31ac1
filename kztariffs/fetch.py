"""Download decrees from the legal portal (``kztariffs fetch``): portal ids in, decree files out.

How the portal is asked (rate limit, TLS, redirects, which failures are worth another try) is
``http_client.py``; this module is the run around it, and keeps the client's names importable from here.

- **Retries**: a :class:`Transient` failure and a cut-off file (``portal.Incomplete``) are asked again, at
  most :data:`MAX_ATTEMPTS` times in all, after :data:`BACKOFF_SECONDS` x 1, 2, 4 ... (a ``Retry-After`` is
  honoured up to :data:`MAX_BACKOFF_SECONDS`). A 404 (or 410), a page that is not the decree, another 4xx,
  a certificate that does not verify: one line, not asked again. :data:`MAX_FAILURES_IN_A_ROW` files failing
  on the connection one after another stop the run.
- **Never a half file**: each answer goes to a hidden temporary file in the target folder, is checked
  (``portal.check_content``) and only then moved into place (``os.replace``); the temporary file is removed
  whatever happens, Ctrl-C included.
- **Sidecar**: next to every file ``<file>.source.json`` records where and when it came from
  (:func:`read_sidecar`). A file whose sidecar's SHA-256 matches it is not asked again (``refresh`` to
  force). A file without a matching sidecar is downloaded again and compared: the same content only gets
  its sidecar; other content is kept and reported (``refresh`` replaces it).
- **Log**: one row per file asked, appended to ``<to>/fetch_log.csv`` (:data:`LOG_COLUMNS`; every row of
  one run carries the run's start time in ``run_started``).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import DecreeError
from .http_client import (CA_FILE, CHUNK, MAX_BYTES, MAX_REDIRECTS, PROJECT_URL, REQUESTS_PER_SECOND,
                          TIMEOUT_SECONDS, USER_AGENT, Client, NotFound, Permanent, RateLimiter, Transient,
                          tls_context)
from .portal import LANGS, Incomplete, NotADecree, check_content, doc_url, file_name, page_url

MAX_ATTEMPTS = 4              # tries of one file in all (1 + 3 retries)
BACKOFF_SECONDS = 2.0         # wait before the 2nd try; doubled before each further one
MAX_BACKOFF_SECONDS = 60.0
MAX_FAILURES_IN_A_ROW = 5     # files failing on the connection one after another: stop, the portal is down
SIDECAR_SUFFIX = ".source.json"
LOG_NAME = "fetch_log.csv"
LOG_COLUMNS = ["run_started", "portal_id", "language", "form", "file", "outcome", "reason", "url", "final_url",
               "http_status", "attempts", "size", "sha256", "retrieved_at"]
OUTCOMES = ("fetched", "present", "not_found", "not_decree", "failed")
_ACCEPT = {"pdf": "application/pdf,*/*;q=0.5", "html": "text/html,*/*;q=0.5",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document,*/*;q=0.5"}

__all__ = [  # this module's names and the client's it keeps importable from here (``fetch.USER_AGENT`` ...)
    "BACKOFF_SECONDS", "CA_FILE", "CHUNK", "LOG_COLUMNS", "LOG_NAME", "MAX_ATTEMPTS", "MAX_BACKOFF_SECONDS",
    "MAX_BYTES", "MAX_FAILURES_IN_A_ROW", "MAX_REDIRECTS", "OUTCOMES", "PROJECT_URL", "REQUESTS_PER_SECOND",
    "SIDECAR_SUFFIX", "TIMEOUT_SECONDS", "USER_AGENT", "__version__", "Client", "DecreeError", "Fetcher",
    "NotFound", "Permanent", "RateLimiter", "Result", "Transient", "append_log", "counts", "is_present",
    "nothing_found", "read_sidecar", "several_forms", "sha256_file", "sidecar_path", "summary", "tls_context",
    "utc_now"]


def utc_now(precise: bool = False) -> str:
    """UTC time, ISO 8601: ``2026-01-31T09:15:02Z`` (``precise``: with microseconds, tells runs apart)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ" if precise else "%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- sidecars

def sidecar_path(path: str | Path) -> Path:
    path = Path(path)
    return path if path.name.endswith(SIDECAR_SUFFIX) else path.with_name(path.name + SIDECAR_SUFFIX)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_sidecar(path: str | Path, verify: bool = True) -> dict | None:
    """Where a downloaded decree file came from, or None when it has no sidecar.

    ``path``: the decree file (``G25ZA02999A_kk.pdf``) or its sidecar (``...pdf.source.json``). Keys:
    ``portal_id``, ``language`` (``kk``/``ru``), ``portal_language`` (``kaz``/``rus``), ``form``, ``file``,
    ``url`` (the URL asked), ``final_url`` (after redirects), ``page_url`` (the decree's page on the portal
    in that language: the link for a citation), ``http_status``, ``retrieved_at`` (UTC, ISO 8601),
    ``size``, ``sha256``, ``content_type``, ``user_agent``.
    ``verify``: raise a DecreeError when the decree file exists but is no longer what was downloaded.
    """
    side = sidecar_path(path)
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DecreeError(side, f"sidecar unreadable ({exc})") from None
    if not isinstance(data, dict) or not {"portal_id", "url", "sha256"} <= data.keys():
        raise DecreeError(side, "not a download sidecar (portal_id, url or sha256 missing)")
    target = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
    if verify and target.is_file() and sha256_file(target) != data["sha256"]:
        raise DecreeError(target, f"changed since it was downloaded from {data['url']} (SHA-256 differs from "
                                  f"{side.name}); fetch it again with --refresh or remove the sidecar")
    return data


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _ordinary_mode(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _ordinary_mode(path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)  # mkstemp makes owner-only files


def is_present(target: Path) -> bool:
    """The file is there, with a sidecar whose size and SHA-256 match it."""
    try:
        side = read_sidecar(target, verify=False)
    except DecreeError:
        return False
    return (side is not None and target.is_file() and target.stat().st_size == side.get("size")
            and sha256_file(target) == side["sha256"])


# ---------------------------------------------------------------- fetching

@dataclass
class Result:
    """What became of one file asked (one row of the log)."""

    portal_id: str
    language: str
    form: str
    file: str
    url: str
    outcome: str = ""  # one of OUTCOMES
    reason: str = ""
    final_url: str = ""
    http_status: int | None = None
    attempts: int = 0
    size: int | None = None
    sha256: str = ""
    retrieved_at: str = ""
    connection_failed: bool = field(default=False, repr=False)  # the server could not be reached or kept

    def line(self) -> str:
        """One line for the terminal."""
        what = {"not_found": "not found", "not_decree": "not a decree", "failed": "failed",
                "present": "already present", "fetched": "fetched"}[self.outcome]
        return f"{self.portal_id} {self.language} {self.form}: {what}" + (f": {self.reason}" if self.reason else "")


@dataclass
class Fetcher:
    """Fetch decrees into ``to``; ``results`` holds every finished file (also after Ctrl-C)."""

    to: Path
    base_url: str
    refresh: bool = False
    timeout: float = TIMEOUT_SECONDS
    log: bool = True
    on_chunk: object = None
    sleep: object = time.sleep
    results: list[Result] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early (the portal unreachable), else empty

    def __post_init__(self):
        self.to = Path(self.to)
        # the rate and chunk size are read here, from this module: tests scale them (``fetch.CHUNK`` ...)
        self.client = Client(self.timeout, per_second=REQUESTS_PER_SECOND, on_chunk=self.on_chunk, chunk=CHUNK)
        self.run_started = utc_now(precise=True)
        self.attempts, self.backoff = MAX_ATTEMPTS, BACKOFF_SECONDS  # read now: tests scale them

    def run(self, ids, langs, forms, progress=None) -> list[Result]:
        """Every id x language x form in turn. ``progress(result)`` after each file."""
        self.to.mkdir(parents=True, exist_ok=True)
        in_a_row = 0
        for pid in ids:
            for lang in langs:
                for form in forms:
                    res = self.fetch_one(pid, lang, form)
                    self.results.append(res)
                    if self.log:
                        append_log(self.to / LOG_NAME, self.run_started, [res])
                    if progress:
                        progress(res)
                    in_a_row = in_a_row + 1 if res.connection_failed else 0
                    if in_a_row >= MAX_FAILURES_IN_A_ROW:
                        self.stopped = (f"stopped after {in_a_row} files in a row failed on the connection "
                                        f"(last: {res.reason}); the portal seems unreachable, run again later")
                        return self.results
        return self.results

    def fetch_one(self, pid: str, lang: str, form: str) -> Result:
        target = self.to / file_name(pid, lang, form)
        res = Result(pid, LANGS[lang], form, target.name, doc_url(self.base_url, lang, pid, form))
        if not self.refresh and is_present(target):
            side = read_sidecar(target, verify=False)
            res.outcome, res.size, res.sha256 = "present", side.get("size"), side["sha256"]
            res.final_url, res.http_status, res.retrieved_at = (side.get("final_url", ""), side.get("http_status"),
                                                               side.get("retrieved_at", ""))
            return res
        last: Exception | None = None
        for attempt in range(1, self.attempts + 1):
            res.attempts = attempt
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=self.to)
            try:
                with os.fdopen(fd, "wb") as fh:
                    got = self.client.get(res.url, fh, accept=_ACCEPT[form])
                res.final_url, res.http_status = got["final_url"], got["http_status"]
                check_content(Path(tmp), form, pid)
                self._place(res, target, Path(tmp), got, lang)
                if last is not None:  # the log keeps what had to be asked again
                    res.reason = "; ".join(filter(None, [res.reason, f"on try {attempt}, after: {last}"]))
                return res
            except NotFound as exc:
                res.outcome, res.reason = "not_found", str(exc)
                return res
            except NotADecree as exc:
                res.outcome, res.reason = "not_decree", f"{exc} (from {res.final_url})"
                return res
            except Permanent as exc:
                res.outcome, res.reason = "failed", str(exc)
                res.connection_failed = getattr(exc, "connection", False)
                return res
            except (Transient, Incomplete) as exc:
                last = exc
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            if attempt < self.attempts:
                self.sleep(self.delay(attempt, last))
        res.outcome, res.reason = "failed", f"{last} (tried {self.attempts} times)"
        res.connection_failed = isinstance(last, Transient)
        return res

    def delay(self, attempt: int, exc: Exception) -> float:
        """Exponential backoff: BACKOFF_SECONDS x 2^(attempt-1), or the server's Retry-After, capped."""
        wait = self.backoff * 2 ** (attempt - 1)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, MAX_BACKOFF_SECONDS)

    def _place(self, res: Result, target: Path, tmp: Path, got: dict, lang: str) -> Result:
        res.size, res.sha256, res.retrieved_at = got["size"], got["sha256"], utc_now()
        old = sha256_file(target) if target.is_file() else None
        if old is not None and not self.refresh and old != got["sha256"]:
            res.outcome = "failed"
            res.reason = (f"{target.name} is already there with other content than the portal's and no "
                          "matching sidecar; kept (use --refresh to replace it)")
            return res
        if old != got["sha256"]:
            _ordinary_mode(tmp)
            os.replace(tmp, target)
        side = {"portal_id": res.portal_id, "language": res.language, "portal_language": lang, "form": res.form,
                "file": target.name, "url": res.url, "final_url": res.final_url,
                "page_url": page_url(self.base_url, lang, res.portal_id), "http_status": res.http_status,
                "retrieved_at": res.retrieved_at, "size": res.size, "sha256": res.sha256,
                "content_type": got.get("content_type"), "user_agent": USER_AGENT}
        _write_atomic(sidecar_path(target), (json.dumps(side, ensure_ascii=False, indent=2) + "\n").encode())
        if old is None:
            res.outcome = "fetched"
        elif self.refresh:
            res.outcome, res.reason = "fetched", "unchanged" if old == got["sha256"] else "changed; replaced"
        else:
            res.outcome, res.reason = "present", "same content as the portal's; sidecar written"
        return res


# ---------------------------------------------------------------- log and summary

def append_log(path: Path, run_started: str, results: list[Result]) -> None:
    """Append rows to the CSV log (header written when the file is new)."""
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8-sig" if new else "utf-8", newline="") as fh:  # BOM once, for Excel
        w = csv.DictWriter(fh, fieldnames=LOG_COLUMNS)
        if new:
            w.writeheader()
        for r in results:
            row = asdict(r)
            w.writerow({"run_started": run_started, **{k: ("" if row.get(k) is None else row.get(k))
                                                       for k in LOG_COLUMNS[1:]}})


def counts(results: list[Result]) -> dict[str, int]:
    return {o: sum(r.outcome == o for r in results) for o in OUTCOMES}


def summary(results: list[Result]) -> str:
    c = counts(results)
    return (f"{c['fetched']} fetched, {c['present']} already present, {c['not_found']} not found, "
            f"{c['not_decree'] + c['failed']} failed")


def nothing_found(results: list[Result]) -> list[str]:
    """Ids that every language and form asked answered with 404."""
    by_id: dict[str, set[str]] = {}
    for r in results:
        by_id.setdefault(r.portal_id, set()).add(r.outcome)
    return [pid for pid, outcomes in by_id.items() if outcomes == {"not_found"}]


def several_forms(to: Path, results: list[Result]) -> list[str]:
    """Warnings for language versions now in ``to`` in more than one form: the build reads one form of each."""
    out = []
    for pid, language in dict.fromkeys((r.portal_id, r.language) for r in results):
        from .readers import SUPPORTED

        forms = sorted(p.suffix[1:] for p in Path(to).glob(f"{pid}_{language}.*") if p.suffix.lower() in SUPPORTED)
        if len(forms) > 1:
            out.append(f"{pid} {language} is in {to} in {len(forms)} forms ({', '.join(forms)}); "
                       "`kztariffs build` reads one form of each language version: keep one there")
    return out
