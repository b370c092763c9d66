"""A real HTTP server on 127.0.0.1 for the web tests: news pages and feeds a test can change between refreshes, and
hostile answers (a slow drip, an endless body, a gzip bomb, a redirect loop, a 500 …). Every loop it runs is bounded
in bytes and seconds and stops by itself; it never contacts any other address."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DRIP_SECONDS = 20  # the slow drip gives up after this long, whatever the client does
ENDLESS_BYTES = 64 * 2**20  # the "endless" body stops after this much


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str = ""
    location: str = ""
    kind: str = "plain"  # plain, drip, endless, gzip-bomb


class NewsSite:
    """Serve ``routes`` (path -> Route); ``requests`` lists the paths asked for, in order."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """``host``: 127.0.0.1, or ::1 for a site on IPv6 loopback."""
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                route = site.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if route.location:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                try:
                    getattr(self, "_" + route.kind.replace("-", "_"))(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, body: bytes, content_type: str, etag: str = "",
                      encoding: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.end_headers()
                self.wfile.write(body)

            def _plain(self, route: Route) -> None:
                self._send(route.status, route.body, route.content_type, route.etag)

            def _drip(self, route: Route) -> None:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.end_headers()
                stop = time.monotonic() + DRIP_SECONDS
                for byte in (route.body or b"<rss>" + b" " * 10_000)[:2000]:
                    if time.monotonic() > stop:
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)

            def _endless(self, route: Route) -> None:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.end_headers()
                block = b"<rss><channel>" + b"x" * 65536
                for _ in range(ENDLESS_BYTES // len(block)):
                    self.wfile.write(block)

            def _gzip_bomb(self, route: Route) -> None:
                self._send(200, BOMB, route.content_type, encoding="gzip")

        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self.server = server_class((host, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pages_fetched(self) -> list[str]:
        return [p for p in self.requests if p.startswith("/news/")]


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


BOMB = gzip.compress(b"<rss>" + b" " * (200 * 2**20), compresslevel=9)  # 200 MB of spaces in ~200 KB


def article_page(slug: str, title: str, paragraphs: list[str], day: date, outlet: str = "The Harbour Gazette",
                 author: str = "Mira Holt") -> str:
    """A news page as sites make them: navigation, a cookie notice, share buttons, related links and a footer around
    the story, and JSON-LD that names the outlet and the date."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<link rel="canonical" href="/news/{slug}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "{title}", "datePublished": "{day.isoformat()}T08:30:00Z",
 "author": {{"@type": "Person", "name": "{author}"}}, "publisher": {{"@type": "Organization", "name": "{outlet}"}}}}
</script></head>
<body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies or manage preferences.</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">Subscribe for unlimited access</a></li></ul></nav></header>
<main><article>
<h1>{title}</h1>
<div class="byline">By {author}</div>
{body}
<div class="share">Share this article on Facebook Share on X Copy link</div>
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/news/other-1">Ferry timetable changes announced for winter season</a></li>
<li><a href="/news/other-2">Local bakery wins regional pastry award again</a></li></ul></aside></main>
<footer><p>© 2026 {outlet}. All rights reserved. Terms of use · Privacy policy · Contact the newsroom</p></footer>
</body></html>"""


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 feed: each item dict has title, link, guid, description and a date."""
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><guid>{i.get('guid', i['link'])}</guid>"
        f"<description>{i.get('description', '')}</description><pubDate>{rfc822(i['date'])}</pubDate></item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.invalid/</link><description>news</description>{entries}</channel></rss>")


def rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=8, tzinfo=timezone.utc))
