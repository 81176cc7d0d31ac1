"""The HTTP side of ``kztariffs fetch``: one polite, verified client for one small government server.

Kept apart from ``fetch.py`` so that how the portal is asked (rate, TLS, redirects, limits, and which
failures are worth another try) is in one place, and what a fetch run does with the answers (retries,
files, sidecars, the log) in another.

- **Politeness**: at most :data:`REQUESTS_PER_SECOND` requests (every redirect hop and retry counts), one
  at a time, with a descriptive :data:`USER_AGENT`.
- **TLS**: always verified, against the system store plus the portal's intermediate certificate shipped in
  ``data/adilet/`` (the portal sends only its leaf certificate).
- **Faults**: each failure is one of :class:`NotFound` (404, 410), :class:`Transient` (a dropped connection,
  an incomplete read, a timeout, a TLS record error, HTTP 5xx or 429: worth another try) or
  :class:`Permanent` (another 4xx, a certificate that does not verify, too many redirects, an answer over
  :data:`MAX_BYTES`), each with a one-line reason. The retries themselves are ``fetch.Fetcher``'s.
"""
from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from functools import lru_cache
from http.cookiejar import CookieJar
from importlib import resources
from urllib.parse import urljoin, urlsplit

from . import __version__
from .portal import strip_jsessionid

#: the one place the request rate is set: requests started per second, at most
REQUESTS_PER_SECOND = 2.0
TIMEOUT_SECONDS = 30.0        # connect and each read
MAX_REDIRECTS = 5
MAX_BYTES = 200 * 2**20       # a decree is a few MB at most
CHUNK = 64 * 1024
PROJECT_URL = "https://github.com/OWNER/kztariffs"  # placeholder: the project's public page
USER_AGENT = (f"kztariffs/{__version__} (+{PROJECT_URL}; research on tariffs for special social services; "
              f"at most {REQUESTS_PER_SECOND:g} requests/s)")
CA_FILE = "data/adilet/adilet-intermediate-ca.pem"


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """The system's trust store plus the portal's intermediate certificate; verification always on."""
    ctx = ssl.create_default_context()
    with resources.as_file(resources.files("kztariffs").joinpath(CA_FILE)) as pem:
        ctx.load_verify_locations(cafile=str(pem))
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    return ctx


class RateLimiter:
    """Starts at most ``per_second`` requests a second (the time between two starts is at least 1/rate)."""

    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock, self.sleep, self.last = clock, sleep, None

    def wait(self) -> None:
        if self.last is not None:
            delay = self.last + self.interval - self.clock()
            if delay > 0:
                self.sleep(delay)
        self.last = self.clock()


class NotFound(Exception):
    """HTTP 404/410: the portal has no such document (in this language or form)."""


class Transient(Exception):
    """A failure worth another try."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class Permanent(Exception):
    """A failure another try would repeat (``connection``: the server cannot be reached at all)."""

    def __init__(self, reason: str, connection: bool = False):
        super().__init__(reason)
        self.connection = connection


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # redirects are followed by Client.get
        return None


def _transport(exc: BaseException, timeout: float) -> Exception:
    """A low-level failure as Transient or Permanent with a one-line reason."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else Transient(f"connection failed ({exc.reason})")
    if isinstance(exc, (Transient, Permanent)):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Permanent(f"TLS certificate not verified ({exc.verify_message or exc.reason})", connection=True)
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_AGAIN:
            return Transient(f"host name lookup failed for now ({exc.strerror})")
        return Permanent(f"host not found ({exc.strerror})", connection=True)
    if isinstance(exc, TimeoutError):
        return Transient(f"no answer within {timeout:g} s")
    if isinstance(exc, http.client.IncompleteRead):
        return Transient(f"connection dropped mid-body ({len(exc.partial)} bytes read)")
    if isinstance(exc, ssl.SSLError):
        return Transient(f"TLS error ({exc.reason or exc})")
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return Transient(f"connection failed ({type(exc).__name__}: {exc})".replace(": )", ")"))
    return Permanent(f"{type(exc).__name__}: {exc}")


def _retry_after(headers) -> float | None:
    value = (headers or {}).get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None


class Client:
    """One polite HTTP client: rate limit, cookies (a portal session survives redirects), no automatic
    redirects (``;jsessionid=`` is taken out of each Location), verified TLS."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS, per_second: float | None = None, on_chunk=None,
                 chunk: int | None = None):
        self.timeout = timeout
        self.limiter = RateLimiter(REQUESTS_PER_SECOND if per_second is None else per_second)
        self.chunk = CHUNK if chunk is None else chunk  # bytes read at a time
        self.on_chunk = on_chunk  # called (bytes so far, Content-Length or None) after each chunk written
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=tls_context()), _NoRedirect(),
            urllib.request.HTTPCookieProcessor(CookieJar()))
        self.requests = 0

    def get(self, url: str, out, accept: str = "*/*") -> dict:
        """Write the body of ``url`` (after redirects) to the binary file ``out``; return what was received."""
        for _ in range(MAX_REDIRECTS + 1):
            self.limiter.wait()
            self.requests += 1
            req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
            try:
                resp = self.opener.open(req, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                try:
                    url = self._answer(exc, url)
                finally:
                    exc.close()
                continue
            except (ValueError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                raise _transport(exc, self.timeout) from None
            with resp:
                return self._body(resp, url, out)
        raise Permanent(f"more than {MAX_REDIRECTS} redirects")

    def _answer(self, exc: urllib.error.HTTPError, url: str) -> str:
        """The next URL of a redirect, or the exception a non-2xx answer stands for."""
        code = exc.code
        if code in (301, 302, 303, 307, 308):
            location = exc.headers.get("Location")
            if not location:
                raise Permanent(f"HTTP {code} redirect without a Location")
            nxt = strip_jsessionid(urljoin(url, location))
            if urlsplit(url).scheme == "https" and urlsplit(nxt).scheme != "https":
                raise Permanent(f"redirect from https to {urlsplit(nxt).scheme} refused ({nxt})")
            return nxt
        if code in (404, 410):
            raise NotFound(f"HTTP {code} at {url}")
        if code == 429 or code >= 500:
            raise Transient(f"HTTP {code} {exc.reason}".rstrip(), retry_after=_retry_after(exc.headers))
        raise Permanent(f"HTTP {code} {exc.reason} at {url}")

    def _body(self, resp, url: str, out) -> dict:
        length = resp.headers.get("Content-Length")
        length = int(length) if length and length.strip().isdigit() else None
        if length is not None and length > MAX_BYTES:
            raise Permanent(f"answer of {length} bytes is larger than {MAX_BYTES} bytes")
        sha, received = hashlib.sha256(), 0
        try:
            while chunk := resp.read(self.chunk):
                out.write(chunk)
                sha.update(chunk)
                received += len(chunk)
                if received > MAX_BYTES:
                    raise Permanent(f"answer larger than {MAX_BYTES} bytes")
                if self.on_chunk:
                    self.on_chunk(received, length)
        except (OSError, http.client.HTTPException) as exc:
            raise _transport(exc, self.timeout) from None
        if length is not None and received < length:  # http.client returns b"" here instead of raising
            raise Transient(f"connection dropped mid-body ({received} of {length} bytes)")
        out.flush()
        return {"final_url": url, "http_status": resp.status, "size": received, "sha256": sha.hexdigest(),
                "content_type": resp.headers.get("Content-Type")}
