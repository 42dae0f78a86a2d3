"""Serving the built site and driving Chromium: shared by the browser test modules.

The ``server`` and ``browser`` fixtures (tests/conftest.py) are built from these: one HTTP server
and one Chromium for the whole session, whichever browser test modules run.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = Path(os.environ.get("DL_NOTES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # nothing can leave the machine
]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".map")
SITE_BYTES: list[int] = []  # the whole built site, uncompressed


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-compressed where a browser accepts it (as GitHub Pages does)."""

    sizes: dict[str, tuple[int, int]]  # path -> (bytes on disk, bytes sent)

    def send_head(self):
        url_path = unquote(urlsplit(self.path).path)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and url_path.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # the redirect to a folder's URL, or a 404
        compress = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        stat = path.stat()
        data, body = _body(path, stat.st_size, stat.st_mtime_ns, compress)
        self.sizes[url_path] = (len(data), len(body))
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):  # quiet
        pass


@functools.lru_cache(maxsize=None)
def _body(path: Path, size: int, mtime_ns: int, compress: bool) -> tuple[bytes, bytes]:
    """A file's bytes and what is sent for them, compressed once per file version: every page
    test opens a fresh browser context and fetches the same scripts and search index again."""
    data = path.read_bytes()
    return data, gzip.compress(data, compresslevel=6, mtime=0) if compress else data
