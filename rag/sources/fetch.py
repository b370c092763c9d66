"""Safe HTTP(S) fetching for article pages and feeds: what newsrag reads from the web goes through ``Fetcher.get``.

A URL someone typed, a feed's item link, a redirect: each can point anywhere, so every hop is checked before it is
made (server-side request forgery). Only http and https; the host is resolved here and refused if any address it
resolves to is not globally routable (loopback, private, link-local, carrier-grade NAT, reserved), and the
connection goes to the address that was checked, so a second DNS answer cannot swap it. ``allow_private`` lifts the
address rule (an intranet, the tests). Every response is bounded: a connect timeout, a total deadline that a slow
drip cannot stretch (a watchdog shuts the socket), a size cap on the body before and after gzip, a cap on redirects.
Every failure is a ``FetchError`` whose message is one line naming the URL.

>>> fetcher = Fetcher(FetchPolicy())
>>> page = fetcher.get("https://news.example/story")          # -> Fetched(url, status, body, headers)
>>> again = fetcher.get(url, etag=page.etag)                    # a 304 gives Fetched(not_modified=True)
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from rag.errors import NewsragError, one_line

REDIRECTS = {301, 302, 303, 307, 308}
READ_BYTES = 65536


class FetchError(NewsragError):
    """A URL could not be fetched safely; the message is one line: ``URL: what went wrong`` (``url``, ``problem``)."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{_show(url)}: {problem}")
        self.url = url
        self.problem = problem


def problem_with(url: str, error: Exception) -> str:
    """What went wrong with ``url``, without repeating it: a ``FetchError``'s problem when it is about that very URL
    (after a redirect it names the URL that failed), else the whole message."""
    return error.problem if isinstance(error, FetchError) and error.url == url else str(error)


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every request keeps. ``timeout`` is the whole request's deadline, headers and body included."""

    allow_private: bool = False  # also fetch from loopback, private and link-local addresses
    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 2**20  # of one response's body, after decompression
    max_redirects: int = 5
    user_agent: str = "newsrag/0.1 (news assistant; +feed reader)"


@dataclass(frozen=True)
class Fetched:
    """A response: ``url`` is where it was found, after redirects. ``not_modified``: a 304 to a conditional GET."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    not_modified: bool = False

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def charset(self) -> str:
        """The charset the Content-Type header names, or ""."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset":
                return value.strip().strip('"').strip("'")
        return ""


def is_url(text: str | object) -> bool:
    """Whether an input names a web address rather than a file."""
    return isinstance(text, str) and text.strip().lower().startswith(("http://", "https://"))


class Fetcher:
    """Fetches with ``policy``'s limits; thread-safe (each call opens its own connection)."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()

    def get(self, url: str, etag: str = "", last_modified: str = "") -> Fetched:
        """GET ``url``, following redirects, conditionally when ``etag``/``last_modified`` are given."""
        deadline = time.monotonic() + self.policy.timeout
        seen: list[str] = []
        current = url.strip()
        while True:
            seen.append(current)
            response = self._request(current, etag, last_modified, deadline)
            if response.status in REDIRECTS and response.headers.get("location"):
                try:
                    target = urljoin(current, response.headers["location"].strip())
                except ValueError:  # "Invalid IPv6 URL" and the like
                    raise FetchError(current, "redirected to an invalid URL") from None
                if target in seen:
                    raise FetchError(url, f"redirect loop ({' -> '.join([*seen, target])[:300]})")
                if len(seen) > self.policy.max_redirects:
                    raise FetchError(url, f"too many redirects (more than {self.policy.max_redirects})")
                current = target
                continue
            if response.status == 304 and (etag or last_modified):
                return Fetched(current, 304, b"", response.headers, not_modified=True)
            if not 200 <= response.status < 300:
                reason = http.client.responses.get(response.status, "")
                raise FetchError(current, f"HTTP {response.status}{' ' + reason if reason else ''}")
            return response

    def _request(self, url: str, etag: str, last_modified: str, deadline: float) -> Fetched:
        target = parse_url(url)
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate",
                   "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml, "
                             "text/xml, text/html;q=0.9, */*;q=0.8"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        address = self._checked_address(url, target.host, target.port)
        connection: _PinnedHTTP | _PinnedHTTPS | None = None
        watchdog: _Watchdog | None = None
        try:  # everything http.client is handed is in here: whatever it refuses is this URL's FetchError
            connection = _connection(target.scheme, target.host, target.port, address,
                                     min(self.policy.connect_timeout, max(0.01, deadline - time.monotonic())))
            watchdog = _Watchdog(connection, deadline)
            connection.request("GET", target.path, headers=headers)
            response = connection.getresponse()
            got = {k.lower(): v for k, v in response.getheaders()}
            body = b"" if response.status in REDIRECTS or response.status == 304 else self._body(url, response, got)
            if watchdog.fired:  # the socket was shut mid-body: what was read is cut short
                raise TimeoutError
            return Fetched(url, response.status, body, got)
        except FetchError:
            raise
        except ssl.SSLError as exc:
            raise FetchError(url, f"TLS failed ({exc.reason or exc})") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:  # ValueError: UnicodeError, InvalidURL …
            if (watchdog is not None and watchdog.fired) or isinstance(exc, TimeoutError) \
                    or time.monotonic() >= deadline:
                raise FetchError(url, f"timed out after {self.policy.timeout:g} s") from None
            raise FetchError(url, _describe(exc)) from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if connection is not None:
                connection.close()

    def _body(self, url: str, response: http.client.HTTPResponse, headers: dict[str, str]) -> bytes:
        """The body, decompressed, refused as soon as it passes ``max_bytes`` (a declared length is checked first)."""
        limit = self.policy.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response too large ({int(declared):,} bytes; the limit is {limit:,})")
        encoding = headers.get("content-encoding", "").strip().lower()
        inflate = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None  # 47: any header
        parts: list[bytes] = []
        size = 0
        while chunk := response.read(READ_BYTES):
            if inflate is not None:
                try:
                    chunk = inflate.decompress(chunk, limit + 1 - size)
                except zlib.error as exc:
                    raise FetchError(url, f"corrupt {encoding} body ({exc})") from None
            size += len(chunk)
            if size > limit:
                what = "decompressed response" if inflate is not None else "response"
                raise FetchError(url, f"{what} too large (over {limit:,} bytes)")
            parts.append(chunk)
        return b"".join(parts)

    def _checked_address(self, url: str, host: str, port: int) -> str:
        """The address to connect to: ``host`` resolved, every answer checked against the policy."""
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError) as exc:  # gaierror; UnicodeError for a name IDNA cannot encode
            raise FetchError(url, f"cannot resolve {_show(host)} ({_describe(exc)})") from None
        addresses = list(dict.fromkeys(str(a[4][0]) for a in answers))
        if not addresses:
            raise FetchError(url, f"cannot resolve {_show(host)}")
        if not self.policy.allow_private:
            for address in addresses:
                if not is_public(address):
                    raise FetchError(url, f"refused: {_show(host)} is a private, loopback or link-local address "
                                     f"({address}); set allow_private_urls (NEWSRAG_ALLOW_PRIVATE_URLS=1) to allow it")
        return addresses[0]


@dataclass(frozen=True)
class Target:
    """Where a URL asks to go: what the connection is made from, nothing else of the URL's text."""

    scheme: str  # http or https
    host: str  # a name, or an IP address without brackets
    port: int
    path: str  # path and query, as sent in the request line


# What no URL to fetch may carry: control characters (NUL, CR, LF: header injection), spaces, lone surrogates (no
# request can encode them), and the characters
# that http.client or a resolver would refuse in a host name.
_UNSAFE = re.compile("[\x00-\x20\x7f-\x9f\ud800-\udfff]|\\s")
_BAD_HOST = re.compile(r"[/\\?#@\[\]<>\"'`{}|^]")


def parse_url(url: str) -> Target:
    """``url`` checked as something to fetch: http(s), a host, a valid port, no control characters or spaces
    anywhere. Raises ``FetchError`` saying what is wrong, before any address is looked up."""
    if not is_url(url):
        raise FetchError(url, "only http and https URLs can be fetched")
    if _UNSAFE.search(url):
        raise FetchError(url, "not a valid URL (it contains spaces or control characters)")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:  # a bad port, a bracket left open
        raise FetchError(url, f"not a valid URL ({exc})") from None
    if not host:
        raise FetchError(url, "not a valid URL (no host)")
    if ("[" in parts.netloc and not _is_ip(host)) or len(host) > 253 or _BAD_HOST.search(host):
        raise FetchError(url, "not a valid URL (bad host)")
    return Target(parts.scheme.lower(), host, port, urlunsplit(("", "", parts.path or "/", parts.query, "")))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable. An IPv6 address that carries an IPv4 one (IPv4-mapped,
    -compatible or -translated, NAT64, 6to4, Teredo) is judged by that IPv4 address; site-local (deprecated, still
    routed inside some networks) and local-use NAT64 are never public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in _LOCAL_NAT64:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return embedded.is_global and not embedded.is_multicast
    return ip.is_global and not ip.is_multicast


_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: where the IPv4 sits depends on the network
_LAST_32_BITS = [ipaddress.ip_network(n) for n in (
    "::/96",  # IPv4-compatible (deprecated): ::127.0.0.1
    "::ffff:0:0/96",  # IPv4-mapped: ::ffff:127.0.0.1
    "::ffff:0:0:0/96",  # IPv4-translated (RFC 2765): ::ffff:0:7f00:1
    "64:ff9b::/96",  # NAT64, the well-known prefix (RFC 6052): 64:ff9b::7f00:1
)]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one."""
    if ip.sixtofour is not None:  # 2002:7f00:1::1
        return ip.sixtofour
    if ip.teredo is not None:  # 2001::/32: (server, client); the client is where the traffic ends up
        return ip.teredo[1]
    if any(ip in network for network in _LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> _PinnedHTTP | _PinnedHTTPS:
    if scheme == "https":
        return _PinnedHTTPS(host, port, address, timeout)
    return _PinnedHTTP(host, port, address, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked ``address``; the Host header still names ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self.raw: socket.socket | None = None  # kept: the connection lets go of its socket once a response owns it

    def connect(self) -> None:
        self.sock = self.raw = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked ``address``, with the certificate verified for ``host`` (SNI too)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self.raw: socket.socket | None = None

    def connect(self) -> None:
        self.raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(self.raw, server_hostname=self.host)  # type: ignore[attr-defined]


class _Watchdog:
    """Shuts the connection's socket at ``deadline``: a server that drips a byte a second never lets a single read
    time out, so only a whole-request deadline bounds it."""

    def __init__(self, connection: _PinnedHTTP | _PinnedHTTPS, deadline: float) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.raw
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.IncompleteRead):
        return "the server closed the connection mid-response"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _show(url: str) -> str:
    """A URL as messages show it: one line, of bounded length."""
    return one_line(url if len(url) <= 200 else url[:200] + "…")
