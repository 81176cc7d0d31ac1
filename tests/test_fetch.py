"""`kztariffs fetch` against a real HTTP server on 127.0.0.1 that serves the project's own fixtures under
the legal portal's URL patterns (``/{lang}/docs/{ID}``, ``.../download`` -> ``;jsessionid`` redirect ->
``/files/pdf/...``, ``.../download/docx``), with the portal's faults on demand. No test leaves a partial file."""
from __future__ import annotations

import csv
import hashlib
import inspect
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from kztariffs import cli, cli_fetch, fetch, portal
from kztariffs.cli import app

FIX = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "tests" / "corpus" / "files"
# made-up portal ids for the three shipped decrees (ZA = Уральск Г.А.; ZQ is a code the body-code table lacks)
ORAL_2999, ORAL_1971, BOKEY_167 = "G25ZA02999A", "G25ZA01971A", "G25ZQ00167A"
IDS = [ORAL_2999, ORAL_1971, BOKEY_167]
STEMS = {ORAL_2999: ("oral-city_2025-12-18_no2999_home-2026_kk", "seed-2999_kk"),
         ORAL_1971: ("oral-city_2025-09-16_no1971_semi-stationary-2025_kk", "seed-1971_kk"),
         BOKEY_167: ("bokey-orda-district_2025-12-24_no167_home-2026_kk", "seed-167_kk")}
# what the test portal offers: Kazakh in every form for all three; Russian (constructed text) only for 2999
DOCS = {(pid, "kaz", form): path for pid, (stem, seed) in STEMS.items()
        for form, path in (("html", FIX / "html" / f"{stem}.html"), ("pdf", FIX / "pdf" / f"{stem}.pdf"),
                           ("docx", CORPUS / "python-docx" / f"{seed}.docx"))}
DOCS.update({(ORAL_2999, "rus", "html"): CORPUS / "html" / "russian-2999_ru.html",
             (ORAL_2999, "rus", "pdf"): CORPUS / "chromium" / "russian-2999_ru.pdf",
             (ORAL_2999, "rus", "docx"): CORPUS / "python-docx" / "russian-2999_ru.docx"})
ERROR_PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ошибка</title></head><body>"
              "<h1>Сервис временно недоступен</h1></body></html>").encode()
TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class FakePortal:
    """State of the test server: what it serves, faults to play per path, every request it saw."""

    def __init__(self):
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[float, str, dict]] = []
        self.release = threading.Event()  # lets slow and trickling answers end
        self.url = ""

    def reset(self):
        self.faults.clear()
        self.requests.clear()
        self.release.clear()

    def fault(self, path: str) -> str:
        queue = self.faults.get(path)
        return queue.pop(0) if queue else "ok"

    def content(self, pid, lang, form) -> bytes | None:
        path = DOCS.get((pid, lang, form))
        if path is None:
            return None
        data = path.read_bytes()
        if form == "html":  # the portal's page links to itself: the id is on the page
            data = data.replace(b"<head>", f'<head>\n<link rel="canonical" href="{self.url}/{lang}/docs/{pid}">'
                                .encode(), 1)
        return data

    def paths(self):
        return [p for _, p, _ in self.requests]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        tp: FakePortal = self.server.portal
        tp.requests.append((time.monotonic(), self.path, dict(self.headers)))
        path = self.path.split("?", 1)[0]
        if ";jsessionid=" in path.lower():  # like the portal: the session part makes the URL unknown
            return self.send_error(404)
        behaviour = tp.fault(path)
        if behaviour == "500":
            return self.send_error(500, "Internal Server Error")
        if behaviour == "slow":
            tp.release.wait(5)
        m = re.fullmatch(r"/(kaz|rus)/docs/([A-Z0-9]+)(/download(/docx)?)?", path)
        f = re.fullmatch(r"/files/pdf/([A-Z0-9]+)_(kaz|rus)\.pdf", path)
        if m and m.group(3) and not m.group(4):  # PDF: redirect with a session id in the Location
            if tp.content(m.group(2), m.group(1), "pdf") is None:
                return self.send_error(404)
            self.send_response(302)
            self.send_header("Set-Cookie", "JSESSIONID=8F3A2C; Path=/")
            self.send_header("Location", f"{tp.url}/files/pdf/{m.group(2)}_{m.group(1)}.pdf;jsessionid=8F3A2C")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if m:
            form = "docx" if m.group(4) else "html"
            data = tp.content(m.group(2), m.group(1), form)
        elif f:
            form, data = "pdf", tp.content(f.group(1), f.group(2), "pdf")
        else:
            form, data = None, None
        if data is None:
            return self.send_error(404)
        self.send(data, TYPES[form], behaviour)

    def send(self, data: bytes, ctype: str, behaviour: str):
        if behaviour == "truncate":  # a whole HTTP answer whose file is cut off
            data = data[: len(data) // 2]
        if behaviour == "errorpage":  # the portal's error page with status 200
            data, ctype = ERROR_PAGE, TYPES["html"]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if behaviour == "drop":  # headers promise the whole body; the connection closes half way
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if behaviour == "trickle":  # slowly, until released (for Ctrl-C)
            for i in range(0, len(data), 256):
                if tp_release(self).wait(0.05):
                    return
                self.wfile.write(data[i:i + 256])
                self.wfile.flush()
            return
        self.wfile.write(data)


def tp_release(handler) -> threading.Event:
    return handler.server.portal.release


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # clients that hang up are part of the tests
        pass


@pytest.fixture(scope="module")
def server():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.portal = FakePortal()
    srv.portal.url = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.portal
    srv.portal.release.set()
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def tp(server, monkeypatch):
    """The test portal, reset; no waiting between requests or retries (the rate limit has its own test)."""
    server.reset()
    monkeypatch.setattr(fetch, "REQUESTS_PER_SECOND", 0)
    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.001)
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    yield server
    server.release.set()


def run(tp, to, *args, base=None):
    result = CliRunner().invoke(app, ["fetch", *args, "--to", str(to), "--base-url", base or tp.url])
    return result.exit_code, result.stderr


def leftovers(folder: Path) -> list[str]:
    """Temporary files (hidden .part) in a folder: there must never be any after a run."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part")


def decree_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if not p.name.startswith(".") and not p.name.endswith((".source.json", ".csv")))


def log_rows(folder: Path) -> list[dict]:
    with open(folder / fetch.LOG_NAME, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- TLS, ids, sidecars, politeness

def test_tls_verification_on_with_the_shipped_intermediate():
    ctx = fetch.tls_context()
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    subjects = [dict(x[0] for x in c["subject"]).get("commonName") for c in ctx.get_ca_certs()]
    assert "GoGetSSL G2 TLS RSA4096 SHA256 2022 CA-1" in subjects
    pem = (ROOT / "kztariffs" / "data" / "adilet" / "adilet-intermediate-ca.pem").read_text()
    fingerprint = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    # /work/shared/data/README.md and kztariffs/data/adilet/PROVENANCE.md
    assert fingerprint == "8AADF068A1B7C04B3E346F7C97FD9619FFF14ECC6C82C2F15594B9732F3F3E72"
    assert "data/adilet/*" in (ROOT / "pyproject.toml").read_text()
    assert fetch.PROJECT_URL in fetch.USER_AGENT and fetch.__version__ in fetch.USER_AGENT


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl (to make a self-signed certificate) not found")
def test_https_server_with_unknown_certificate_fails_once_without_a_file(tp, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.portal = tp
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        raw = tmp_path / "raw"
        code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", base=f"https://127.0.0.1:{srv.server_address[1]}")
    finally:
        srv.shutdown()
        srv.server_close()
    assert code == 1
    assert re.search(rf"^{ORAL_2999} kk html: failed: TLS certificate not verified \(self.signed certificate\)$",
                     err, re.M), err
    assert decree_files(raw) == [] and leftovers(raw) == []
    assert log_rows(raw)[0]["attempts"] == "1"  # not asked again


def test_bad_ids_languages_and_forms_are_one_line_errors(tp, tmp_path):
    for args, msg in ((["G25ZA0299A"], "'G25ZA0299A' is not a portal document id"),
                      ([ORAL_2999, "--lang", "eng"], "unknown language 'eng'"),
                      ([ORAL_2999, "--form", "rtf"], "unknown form 'rtf'"),
                      ([], "no portal ids given")):
        code, err = run(tp, tmp_path / "raw", *args)
        assert code == 1 and len(err.strip().splitlines()) == 1 and err.startswith(f"error: {msg}"), err
    assert tp.requests == [] and not (tmp_path / "raw").exists()
    ids = tmp_path / "ids.txt"
    ids.write_text(f"# the Oral decrees\n{ORAL_2999.lower()}\n\n{ORAL_1971}  # day care\n{ORAL_2999}\n")
    assert portal.read_ids_file(ids) == [ORAL_2999, ORAL_1971]
    assert portal.parse_langs("kk,rus,ru") == ["kaz", "rus"]
    assert portal.strip_jsessionid("https://h/files/pdf/a.pdf;jsessionid=AB12?x=1") == "https://h/files/pdf/a.pdf?x=1"
    assert portal.parse_ids(["V2300032987"]) == ["V2300032987"]


def test_ids_file_and_cli_defaults_match_the_portal_module(tp, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{ORAL_1971}\n")
    raw = tmp_path / "raw"
    code, err = run(tp, raw, "--ids", str(ids))
    assert code == 0, err
    # defaults: every language, the page; the Russian page of 1971 is not on the test portal
    assert decree_files(raw) == [f"{ORAL_1971}_kk.html"]
    assert f"{ORAL_1971} ru html: not found: HTTP 404 at {tp.url}/rus/docs/{ORAL_1971}" in err
    assert "1 fetched, 0 already present, 1 not found, 0 failed" in err
    params = inspect.signature(cli_fetch.fetch).parameters
    assert params["lang"].default.default == ",".join(portal.DEFAULT_LANGS)
    assert params["form"].default.default == ",".join(portal.DEFAULT_FORMS)
    assert params["base_url"].default.default == portal.DEFAULT_BASE_URL == "https://adilet.zan.kz"
    assert params["timeout"].default.default == fetch.TIMEOUT_SECONDS
    assert params["to"].default.default == cli.RAW_DIR


def test_rate_limit_spaces_requests(tp, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "REQUESTS_PER_SECOND", 10)
    t0 = time.monotonic()
    code, err = run(tp, tmp_path / "raw", ORAL_2999, "--lang", "kaz,rus", "--form", "pdf,html")
    assert code == 0, err
    times = [t for t, _, _ in tp.requests]
    assert len(times) == 6  # two PDFs (redirect + file each) and two pages
    # 5 gaps at 10 requests/s: the requests span 0.5 s at least (load can only stretch them; the
    # limiter's own arithmetic is checked without a clock below)
    assert times[-1] - times[0] >= 0.45, times
    assert time.monotonic() - t0 >= 0.5
    assert all(h.get("User-Agent") == fetch.USER_AGENT for _, _, h in tp.requests)


def test_rate_limiter_and_backoff_without_sleeping():
    now, slept = [100.0], []
    lim = fetch.RateLimiter(2, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    lim.wait()
    lim.wait()
    now[0] += 2
    lim.wait()
    assert slept == [0.5]
    f = fetch.Fetcher(Path("unused"), "http://x", log=False)
    assert [f.delay(a, fetch.Transient("x")) for a in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert f.delay(1, fetch.Transient("HTTP 503", retry_after=10)) == 10
    assert f.delay(9, fetch.Transient("x")) == fetch.MAX_BACKOFF_SECONDS


# ---------------------------------------------------------------- the portal's ways and faults

def test_pdf_through_the_jsessionid_redirect(tp, tmp_path):
    raw = tmp_path / "raw"
    code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", "--form", "pdf")
    assert code == 0, err
    got = raw / f"{ORAL_2999}_kk.pdf"
    assert got.read_bytes() == DOCS[(ORAL_2999, "kaz", "pdf")].read_bytes()
    assert tp.paths() == [f"/kaz/docs/{ORAL_2999}/download", f"/files/pdf/{ORAL_2999}_kaz.pdf"]
    assert "JSESSIONID=8F3A2C" in tp.requests[1][2].get("Cookie", "")  # the session cookie is kept
    side = fetch.read_sidecar(got)
    assert side == json.loads((raw / f"{ORAL_2999}_kk.pdf.source.json").read_text())
    assert side["portal_id"] == ORAL_2999 and side["language"] == "kk" and side["form"] == "pdf"
    assert side["url"] == f"{tp.url}/kaz/docs/{ORAL_2999}/download"
    assert side["final_url"] == f"{tp.url}/files/pdf/{ORAL_2999}_kaz.pdf"
    assert side["page_url"] == f"{tp.url}/kaz/docs/{ORAL_2999}"
    assert side["http_status"] == 200 and side["size"] == got.stat().st_size
    assert side["sha256"] == hashlib.sha256(got.read_bytes()).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", side["retrieved_at"])
    assert leftovers(raw) == []


def test_500_then_success_on_retry(tp, tmp_path):
    raw = tmp_path / "raw"
    tp.faults[f"/kaz/docs/{ORAL_2999}/download/docx"] = ["500", "500"]
    code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", "--form", "docx")
    assert code == 0, err
    assert (raw / f"{ORAL_2999}_kk.docx").read_bytes() == DOCS[(ORAL_2999, "kaz", "docx")].read_bytes()
    row = log_rows(raw)[0]
    assert row["attempts"] == "3" and row["reason"] == "on try 3, after: HTTP 500 Internal Server Error"
    assert leftovers(raw) == []


def test_connection_dropped_mid_body(tp, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    pdf = f"/files/pdf/{ORAL_2999}_kaz.pdf"
    tp.faults[pdf] = ["drop"]
    code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", "--form", "pdf")
    assert code == 0, err
    assert (raw / f"{ORAL_2999}_kk.pdf").read_bytes() == DOCS[(ORAL_2999, "kaz", "pdf")].read_bytes()
    assert tp.paths().count(pdf) == 2
    # dropped every time: a bounded number of tries, one line, no file
    monkeypatch.setattr(fetch, "MAX_ATTEMPTS", 3)
    raw2 = tmp_path / "raw2"
    tp.faults[pdf] = ["drop"] * 5
    code, err = run(tp, raw2, ORAL_2999, "--lang", "kaz", "--form", "pdf")
    size = DOCS[(ORAL_2999, "kaz", "pdf")].stat().st_size
    assert code == 1
    assert (f"{ORAL_2999} kk pdf: failed: connection dropped mid-body ({size // 2} of {size} bytes) "
            "(tried 3 times)") in err
    assert decree_files(raw2) == [] and leftovers(raw2) == []


def test_slow_answer_past_the_timeout(tp, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    page = f"/kaz/docs/{ORAL_1971}"
    tp.faults[page] = ["slow"]
    t0 = time.monotonic()
    code, err = run(tp, raw, ORAL_1971, "--lang", "kaz", "--timeout", "0.5")
    assert code == 0, err
    assert 0.5 <= time.monotonic() - t0 < 3
    assert (raw / f"{ORAL_1971}_kk.html").exists() and log_rows(raw)[0]["attempts"] == "2"
    monkeypatch.setattr(fetch, "MAX_ATTEMPTS", 2)
    raw2 = tmp_path / "raw2"
    tp.faults[page] = ["slow", "slow"]
    code, err = run(tp, raw2, ORAL_1971, "--lang", "kaz", "--timeout", "0.3")
    assert code == 1 and f"{ORAL_1971} kk html: failed: no answer within 0.3 s (tried 2 times)" in err
    assert decree_files(raw2) == [] and leftovers(raw2) == []


def test_404_is_reported_once_and_not_retried(tp, tmp_path):
    raw = tmp_path / "raw"
    code, err = run(tp, raw, ORAL_1971, "--lang", "rus", "--form", "pdf")
    assert code == 1  # nothing at all for the id
    assert f"{ORAL_1971} ru pdf: not found: HTTP 404 at {tp.url}/rus/docs/{ORAL_1971}/download" in err
    assert f"error: {ORAL_1971}: not found in any language or form asked (check the id)" in err
    assert tp.paths() == [f"/rus/docs/{ORAL_1971}/download"]
    assert decree_files(raw) == [] and leftovers(raw) == []
    assert log_rows(raw)[0]["outcome"] == "not_found"


def test_pdf_truncated_by_the_server(tp, tmp_path):
    raw = tmp_path / "raw"
    pdf = f"/files/pdf/{BOKEY_167}_kaz.pdf"
    tp.faults[pdf] = ["truncate"] * 10
    code, err = run(tp, raw, BOKEY_167, "--lang", "kaz", "--form", "pdf")
    size = DOCS[(BOKEY_167, "kaz", "pdf")].stat().st_size // 2
    assert code == 1
    assert (f"{BOKEY_167} kk pdf: failed: PDF cut off ({size} bytes, no %%EOF at the end) "
            f"(tried {fetch.MAX_ATTEMPTS} times)") in err
    assert tp.paths().count(pdf) == fetch.MAX_ATTEMPTS
    assert decree_files(raw) == [] and leftovers(raw) == []


def test_error_page_with_status_200_where_a_pdf_was_asked(tp, tmp_path):
    raw = tmp_path / "raw"
    tp.faults[f"/files/pdf/{ORAL_2999}_kaz.pdf"] = ["errorpage"]
    tp.faults[f"/kaz/docs/{ORAL_2999}"] = ["errorpage"]
    code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", "--form", "pdf,html")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith(f"{ORAL_2999} ")]
    assert lines == [f"{ORAL_2999} kk pdf: not a decree: an HTML page, not a PDF "
                     f"(from {tp.url}/files/pdf/{ORAL_2999}_kaz.pdf)",
                     f"{ORAL_2999} kk html: not a decree: page does not mention {ORAL_2999} "
                     f"(not the decree's page) (from {tp.url}/kaz/docs/{ORAL_2999})"]
    assert len(tp.requests) == 3  # not asked again
    assert decree_files(raw) == [] and leftovers(raw) == []
    assert "0 fetched, 0 already present, 0 not found, 2 failed" in err


def test_an_unreachable_portal_stops_the_run(tp, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_ATTEMPTS", 2)
    monkeypatch.setattr(fetch, "MAX_FAILURES_IN_A_ROW", 3)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    raw = tmp_path / "raw"
    code, err = run(tp, raw, *IDS, base=f"http://127.0.0.1:{port}")
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("error: stopped after 3 files in a row failed on the connection "
                                                   "(last: connection failed (ConnectionRefusedError")
    assert len(log_rows(raw)) == 3 and decree_files(raw) == [] and leftovers(raw) == []


# ---------------------------------------------------------------- the whole job

def test_every_form_and_language_then_nothing_then_refresh(tp, tmp_path):
    raw = tmp_path / "raw"
    code, err = run(tp, raw, *IDS, "--form", "pdf,docx,html")
    assert code == 0, err
    offered = {portal.file_name(pid, lang, form): path for (pid, lang, form), path in DOCS.items()}
    assert decree_files(raw) == sorted(offered) and len(offered) == 12
    for (pid, lang, form) in DOCS:  # what the server sent, byte for byte, each file with its sidecar
        name = portal.file_name(pid, lang, form)
        assert (raw / name).read_bytes() == tp.content(pid, lang, form), name
        assert fetch.read_sidecar(raw / name)["file"] == name
    assert "12 fetched, 0 already present, 6 not found, 0 failed" in err
    assert f"warning: {ORAL_2999} kk is in {raw} in 3 forms (docx, html, pdf)" in err
    asked = len(tp.requests)

    code, err = run(tp, raw, *IDS, "--form", "pdf,docx,html")
    assert code == 0 and "0 fetched, 12 already present, 6 not found, 0 failed" in err
    assert len(tp.requests) == asked + 6  # only the Russian versions the portal lacks are asked again

    code, err = run(tp, raw, *IDS, "--form", "pdf,docx,html", "--refresh")
    assert code == 0 and "12 fetched, 0 already present, 6 not found, 0 failed" in err
    rows = log_rows(raw)
    assert len(rows) == 3 * 18 and len({r["run_started"] for r in rows}) == 3
    assert {r["reason"] for r in rows[-18:] if r["outcome"] == "fetched"} == {"unchanged"}
    assert leftovers(raw) == []


def test_fetched_decrees_build_into_the_same_rows(tp, tmp_path, monkeypatch, seed_dataset):
    raw = tmp_path / "raw"
    code, err = run(tp, raw, *IDS)  # the defaults: both languages, the page
    assert code == 0, err
    assert decree_files(raw) == sorted([f"{ORAL_2999}_kk.html", f"{ORAL_2999}_ru.html", f"{ORAL_1971}_kk.html",
                                        f"{BOKEY_167}_kk.html"])
    from kztariffs.dataset import decree_files as build_files
    assert [p.name for p in build_files(raw)] == decree_files(raw)  # sidecars and the log are not decrees
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.stderr
    from kztariffs.dataset import load_dataset
    df = load_dataset(tmp_path / "out" / "tariffs.parquet")
    def rows(frame):
        key = ["decree_id", "annex", "row", "locality", "position_key", "service_text", "price_kzt"]
        return sorted((*map(str, r[:-1]), Decimal(r[-1])) for r in frame[key].itertuples(index=False))

    assert rows(df) == rows(seed_dataset) and len(df) == 275
    assert (df[df.decree_id == "oral_akimat_2025-12-18_2999"]["versions"] == 2).all()  # the Russian page read too
    # every row carries its portal id and the decree's page on the portal (from the download record)
    oral = df[df.decree_id == "oral_akimat_2025-12-18_2999"]
    assert set(oral["portal_id"]) == {ORAL_2999}
    assert set(oral["source_url"]) == {f"{tp.url}/kaz/docs/{ORAL_2999}"}


def test_a_file_already_there_without_sidecar(tp, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    same, other = raw / f"{ORAL_2999}_kk.docx", raw / f"{ORAL_1971}_kk.docx"
    shutil.copy(DOCS[(ORAL_2999, "kaz", "docx")], same)
    other.write_bytes(b"PK a copy edited by hand")
    code, err = run(tp, raw, ORAL_2999, ORAL_1971, "--lang", "kaz", "--form", "docx")
    assert code == 1
    assert fetch.read_sidecar(same)["sha256"] == hashlib.sha256(same.read_bytes()).hexdigest()
    assert other.read_bytes() == b"PK a copy edited by hand" and fetch.read_sidecar(other) is None
    assert (f"{ORAL_1971} kk docx: failed: {other.name} is already there with other content than the portal's "
            "and no matching sidecar; kept (use --refresh to replace it)") in err
    assert "0 fetched, 1 already present, 0 not found, 1 failed" in err
    code, err = run(tp, raw, ORAL_2999, ORAL_1971, "--lang", "kaz", "--form", "docx", "--refresh")
    assert code == 0 and other.read_bytes() == DOCS[(ORAL_1971, "kaz", "docx")].read_bytes()
    # a file changed after download no longer matches its sidecar: read_sidecar says so in one line
    other.write_bytes(other.read_bytes() + b"\0")
    with pytest.raises(fetch.DecreeError, match="changed since it was downloaded from .*--refresh"):
        fetch.read_sidecar(other)
    assert fetch.read_sidecar(other, verify=False)["portal_id"] == ORAL_1971
    assert fetch.read_sidecar(raw / "nothing.pdf") is None
    assert leftovers(raw) == []


def test_ctrl_c_mid_download_leaves_no_partial_file_and_a_rerun_resumes(tp, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    seen = {}
    monkeypatch.setattr(fetch, "CHUNK", 4096)
    real_init = fetch.Fetcher.__post_init__

    def hook(received, length):
        if received > 10_000 and (raw / f"{ORAL_2999}_kk.html").exists():  # mid-way through the 2nd file
            seen["partial"] = leftovers(raw)
            raise KeyboardInterrupt

    def init(self):
        real_init(self)
        self.client.on_chunk = hook

    monkeypatch.setattr(fetch.Fetcher, "__post_init__", init)
    code, err = run(tp, raw, ORAL_2999, ORAL_1971, "--lang", "kaz")
    assert code == 130
    assert err.strip().splitlines()[-1] == "interrupted; 1 fetched, rest not (no partial file left; run again to go on)"
    assert len(seen["partial"]) == 1 and seen["partial"][0].endswith(".part")  # it was there mid-download
    assert decree_files(raw) == [f"{ORAL_2999}_kk.html"] and leftovers(raw) == []
    monkeypatch.setattr(fetch.Fetcher, "__post_init__", real_init)
    code, err = run(tp, raw, ORAL_2999, ORAL_1971, "--lang", "kaz")
    assert code == 0 and "1 fetched, 1 already present" in err
    assert decree_files(raw) == sorted([f"{ORAL_2999}_kk.html", f"{ORAL_1971}_kk.html"])


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_sigint_to_the_command_leaves_no_partial_file(tp, tmp_path):
    raw = tmp_path / "raw"
    pdf = f"/files/pdf/{ORAL_2999}_kaz.pdf"
    tp.faults[pdf] = ["trickle"]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen([sys.executable, "-m", "kztariffs.cli", "fetch", ORAL_2999, "--lang", "kaz",
                             "--form", "pdf", "--to", str(raw), "--base-url", tp.url],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (raw.is_dir() and any(p.suffix == ".part" for p in raw.iterdir())
                                                   and pdf in tp.paths()):
            time.sleep(0.05)
        assert pdf in tp.paths(), "the download did not start"
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted; 0 fetched, rest not" in err and "Traceback" not in err, err
    assert decree_files(raw) == [] and leftovers(raw) == []
    code, err = run(tp, raw, ORAL_2999, "--lang", "kaz", "--form", "pdf")  # the rerun completes
    assert code == 0 and decree_files(raw) == [f"{ORAL_2999}_kk.pdf"]
