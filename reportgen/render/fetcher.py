"""The only way WeasyPrint may read anything: files under the template folders and the run's chart folder.

By default WeasyPrint fetches every URL: `<link rel="attachment" href="file:///etc/passwd">` would embed a
local file in the PDF, and `<img src="http://...">` would call out. This fetcher refuses both, and every
refusal stops the render (it is a template error, not a missing picture).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

MIME = {".svg": "image/svg+xml", ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
        ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class RefusedURL(ValueError):
    """A template asked for something outside the allowed folders, or on the network."""


class SafeFetcher(URLFetcher):
    """Serve file:// URLs inside `roots` (and data: URLs); refuse everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the resource at `url` when it is allowed; raise RefusedURL otherwise."""
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise RefusedURL(url)
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            self.refused.append(url)
            raise RefusedURL(url)
        mime = MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
