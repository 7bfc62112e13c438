"""Downloading an official file as a careful client does (design §7), with httpx.

HTTPS only (plain HTTP only to a loopback address: tests and local mirrors), a connect and
read timeout, at most a few redirects (each one checked the same way), a User-Agent naming
usco, conditional requests (If-None-Match / If-Modified-Since), and a size bound checked
while the body streams to a file. Every failure is a FetchError of one line. httpx is
imported here only: no other command pays for it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from usco.model import UscoError
from usco.version import __version__

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 200 * 1024 * 1024  # the releases shipped are 1.6 to 2.5 MB
MAX_REDIRECTS = 5
CONNECT_SECONDS = 15.0
READ_SECONDS = 60.0  # between two reads of the body, not for the whole of it
CHUNK = 64 * 1024
# Tests make the bound and the timeout small: a server that stops answering is seen in seconds.
MAX_BYTES_VAR = "USCO_DOWNLOAD_MAX_BYTES"
TIMEOUT_VAR = "USCO_DOWNLOAD_TIMEOUT"

Progress = Callable[[int, "int | None"], None]  # bytes received so far, and the total when the server said it


class FetchError(UscoError):
    """A download that failed; the message says why in one line."""


class Validators(NamedTuple):
    """What the server said of the file last time, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


class Fetched(NamedTuple):
    size: int
    validators: Validators
    url: str  # where the body came from, after redirects


def limits() -> tuple[int, float, float]:
    """The size bound, connect timeout and read timeout (from the environment when a test sets them)."""
    size, connect, read = MAX_BYTES, CONNECT_SECONDS, READ_SECONDS
    try:
        size = int(os.environ.get(MAX_BYTES_VAR) or size)
        if os.environ.get(TIMEOUT_VAR):
            connect = read = float(os.environ[TIMEOUT_VAR])
    except ValueError:
        pass
    return size, connect, read


def _loopback(url: httpx.URL) -> bool:
    try:
        return url.host == "localhost" or ipaddress.ip_address(url.host).is_loopback
    except ValueError:
        return False


def _allowed(url: httpx.URL) -> None:
    """HTTPS, or HTTP to this machine only; FetchError otherwise."""
    if url.scheme == "https":
        return
    if url.scheme == "http":
        if _loopback(url):
            return
        raise FetchError(f"refused {url}: plain HTTP only to this machine (127.0.0.1); use https://")
    raise FetchError(f"refused {url}: only https:// (or http:// to this machine) is fetched")


def fetch(url: str, destination: Path, *, validators: Validators | None = None,
          progress: Progress | None = None) -> Fetched | None:  # fmt: skip
    """Stream *url* into the new file *destination*; None when the server says it has not changed
    (304) since *validators*. FetchError (one line) for anything else than a whole 200 response
    within the bounds; the caller removes *destination* then."""
    import httpx

    max_bytes, connect, read = limits()
    validators = validators or Validators()
    try:
        first = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise FetchError(f"{url} is not a URL: {error}") from None
    _allowed(first)
    headers = {"User-Agent": f"usco/{__version__}"}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified

    def check(request: httpx.Request) -> None:  # every request, redirects too
        _allowed(request.url)

    timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
    try:
        with (
            httpx.Client(
                headers=headers,
                timeout=timeout,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                event_hooks={"request": [check]},
                trust_env=not _loopback(first),  # the user's proxies and certificates, but never for this machine
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise FetchError(f"the server answered {response.status_code} {response.reason_phrase}".rstrip())
            total = _length(response)
            if total is not None and total > max_bytes:
                raise FetchError(f"the file is {total:,} bytes; a release may be at most {max_bytes:,}")
            received = _save(response, destination, max_bytes, total, progress)
            if total is not None and received != total:
                raise FetchError(f"the download was cut off: {received:,} of {total:,} bytes")
            said = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
            return Fetched(received, said, str(response.url))
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise FetchError(f"no answer from the server in {read:g} s") from None
    except httpx.RemoteProtocolError as error:
        raise FetchError(f"the download was cut off ({error})") from None
    except httpx.ConnectError as error:
        raise FetchError(f"cannot connect: {error}") from None
    except httpx.DecodingError as error:
        raise FetchError(f"the body could not be decoded: {error}") from None
    except httpx.HTTPError as error:
        raise FetchError(f"the download failed: {error}") from None


def _length(response: httpx.Response) -> int | None:
    if "Content-Encoding" in response.headers:  # the length is of the encoded body
        return None
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _save(response: httpx.Response, destination: Path, max_bytes: int, total: int | None,
          progress: Progress | None) -> int:  # fmt: skip
    received = 0
    try:
        with destination.open("xb") as out:
            for chunk in response.iter_bytes(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(f"the file is larger than {max_bytes:,} bytes, the most a release may be")
                out.write(chunk)
                if progress is not None:
                    progress(received, total)
    except OSError as error:
        raise FetchError(f"cannot save the download: {error.strerror or error}") from None
    return received
