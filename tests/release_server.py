"""A real HTTP server on 127.0.0.1 serving real release files, and the faults `usco update` must survive.

Each fault is a folder at the root: `--mirror http://127.0.0.1:PORT/FAULT/` fetches
FAULT/<official file name> (design §7), e.g. /ok/country.xlsx. The files are the real
releases in ../shared/raw, under their official names.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers import RAW, needed

#: The release each official name serves: the newest of each in ../shared/raw.
RELEASE_FILES = {
    "us_foreign_aid_country.csv": "foreignassistance/us_foreign_aid_country.2025-11-29.csv",
    "country.xlsx": "census/country.2026-04-14.xlsx",
    "enduse_imports.xlsx": "enduse/enduse_imports.2026-04-14.xlsx",
}
LAST_MODIFIED = "Wed, 03 Dec 2025 10:00:00 GMT"  # what /ok/ says of its files
ETAG = '"release-v1"'
HTML = b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body>Moved.</body></html>\n"

FAULTS = ("ok", "plain", "404", "500", "html", "cut", "big", "large", "hang", "loop", "slow", "elsewhere")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test's output is what usco says

    def do_GET(self) -> None:
        fault, _, name = self.path.lstrip("/").partition("/")
        self.server.requests.append((self.path, dict(self.headers)))
        if name not in RELEASE_FILES or fault not in FAULTS:
            return self._status(404)
        body = (RAW / RELEASE_FILES[name]).read_bytes()
        if fault == "ok":
            if self.headers.get("If-None-Match") == ETAG:
                return self._status(304)
            return self._send(body, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        if fault == "plain":  # no validators: dated by the download day, compared by sha256
            return self._send(body, {})
        if fault in ("404", "500"):
            return self._status(int(fault))
        if fault == "html":  # a portal's page where the file belongs
            return self._send(HTML, {"Content-Type": "text/html"})
        if fault == "cut":  # says its whole length, sends half, hangs up
            self._head(200, {"Content-Length": str(len(body))})
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        if fault == "big":  # no length said: only the bytes received tell
            self._head(200, {"Connection": "close"})
            for _ in range(64):
                self.wfile.write(b"x" * 65536)
            return None
        if fault == "large":  # says a length over the bound
            self._head(200, {"Content-Length": str(300 * 1024 * 1024)})
            self.wfile.write(b"x" * 65536)
            return None
        if fault in ("hang", "slow"):  # some bytes, then silence (hang) or a trickle (slow, for Ctrl-C)
            self._head(200, {"Content-Length": str(len(body))})
            self.wfile.write(body[:1000])
            self.wfile.flush()
            for _ in range(100):
                if self.server.stopping.wait(0.1 if fault == "slow" else 0.2):
                    return None
                if fault == "slow":
                    self.wfile.write(b"," * 10)
                    self.wfile.flush()
            return None
        if fault == "loop":
            return self._status(302, {"Location": self.path})
        # elsewhere: a redirect to a plain-HTTP address that is not this machine
        return self._status(302, {"Location": "http://192.0.2.1/" + name})

    def _head(self, code: int, headers: dict[str, str]) -> None:
        self.send_response(code)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()

    def _status(self, code: int, headers: dict[str, str] | None = None) -> None:
        self._head(code, {"Content-Length": "0", **(headers or {})})

    def _send(self, body: bytes, headers: dict[str, str]) -> None:
        self._head(200, {"Content-Length": str(len(body)), **headers})
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (as usco does past the size bound) is not the test's output

    requests: list[tuple[str, dict[str, str]]]
    stopping: threading.Event


@contextmanager
def serving() -> Iterator[_Server]:
    """The server, listening on 127.0.0.1 at a free port (server.server_address), until the block ends."""
    needed(RAW)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    server.stopping = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        time.sleep(0)  # let the handler threads see `stopping`


def base(server: _Server, fault: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/{fault}/"
