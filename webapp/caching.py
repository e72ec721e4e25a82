"""HTTP caching: validators from the build, Cache-Control per page type, fingerprinted
static files, and compression.

A page is a pure function of the live build, the release (templates, translations, static
files) and the request's path, query and htmx header. So its ETag is computed from those
before anything is rendered, and a revalidation that matches is answered 304 without
touching the index.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from flask_compress import Compress

from webapp.live import current_build
from webapp.search import SearchError

ONE_YEAR = 31_536_000
# Cache-Control by endpoint. Shared caches may keep pages a little while and serve them
# stale while revalidating; a new build shows within minutes. Errors are not cached long.
PAGE_RULES = {
    "news.article": "public, max-age=300, stale-while-revalidate=600",
    "news.news_list": "public, max-age=60, stale-while-revalidate=300",
    "news.topic": "public, max-age=60, stale-while-revalidate=300",
    "news.partner": "public, max-age=60, stale-while-revalidate=300",
    "news.topics": "public, max-age=300, stale-while-revalidate=600",
    "news.partners": "public, max-age=300, stale-while-revalidate=600",
    "search.search": "public, max-age=60, stale-while-revalidate=300",
    "localized_pages.accessibility": "public, max-age=3600",
    "feeds.news_feed": "public, max-age=300",
    "feeds.topic_feed": "public, max-age=300",
    "feeds.partner_feed": "public, max-age=300",
    "site_files.sitemap": "public, max-age=3600",
    "site_files.robots": "public, max-age=86400",
}
LISTS = ("news.news_list", "news.topic", "news.partner", "search.search")
REDIRECTS = "public, max-age=300"
ERRORS = "public, max-age=30"
# Files whose URL carries their fingerprint (?v=) never change: cache them for a year.
FINGERPRINTED = f"public, max-age={ONE_YEAR}, immutable"


def release_fingerprint(app: Flask) -> str:
    """A short hash of what pages are made from besides content: templates, catalogues, CSS, JS."""
    digest = hashlib.sha1(usedforsecurity=False)
    roots = [
        Path(app.root_path) / "templates",
        Path(app.config["TRANSLATIONS_DIR"]),
        Path(app.static_folder),
    ]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".po"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _static_fingerprints(app: Flask) -> dict[str, str]:
    static = Path(app.static_folder)
    return {
        str(path.relative_to(static)): hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()[:10]
        for path in static.rglob("*")
        if path.is_file()
    }


@functools.lru_cache(maxsize=8)  # parsed once per build, not once per request
def _built_at(build_id: str) -> datetime:
    return datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC, microsecond=0)


def _page_etag(build_id: str) -> str:
    """The ETag this request's page will have, known before rendering it."""
    prefixed = request.url_rule is not None and "lang_code" in request.url_rule.arguments
    parts = [
        current_app.config["RELEASE"],
        build_id,
        request.full_path,
        request.headers.get("HX-Request", ""),
        # Unprefixed addresses (/, /a/<key>) answer by Accept-Language.
        "" if prefixed else request.headers.get("Accept-Language", ""),
    ]
    return hashlib.sha1("\x00".join(parts).encode(), usedforsecurity=False).hexdigest()[:24]


def _matches(etag: str) -> bool:
    # Compression appends ":gzip" (or another algorithm) to the ETag it sends.
    sent = {tag.split(":", 1)[0] for tag in request.if_none_match.as_set(include_weak=True)}
    return etag in sent or "*" in request.if_none_match


class RenderedPages:
    """The last few hundred finished pages of this worker: (body, *details) by key, at most
    `max_bytes` of bodies, least recently used first out.

    Keyed by ETag in Flask (a page is a pure function of what its ETag encodes) and by the
    request in FrontMemo. A page can be sent again until the build or the release changes
    (then every key changes). It is a bounded cache, not state: losing it costs one render.
    """

    def __init__(self, max_bytes: int = 16 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[object, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> tuple | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, body: bytes, *details) -> None:
        with self.lock:
            if key in self.pages or len(body) > self.max_bytes // 16:
                return
            self.pages[key] = (body, *details)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (old, *_) = self.pages.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


class FrontMemo:
    """Finished page responses, answered before Flask builds a request context.

    The WSGI-level use of RenderedPages: a 200 page that Flask marked as memoizable is
    kept as sent (status, headers, body, compressed or not), keyed by everything such a
    response depends on: the live build, host and scheme, path and query, the htmx header
    and Accept-Encoding. Responses that vary on anything else (Accept-Language) are never
    kept, and conditional requests always go to Flask, which answers 304s. A new build
    empties it.
    """

    def __init__(self, wsgi_app, builds_dir: Path):
        self.wsgi_app = wsgi_app
        self.current = Path(builds_dir) / "current"
        self.build = None
        self.pages = RenderedPages()

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or any(
            name in environ for name in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_COOKIE")
        ):
            return self.wsgi_app(environ, start_response)
        try:
            build = os.readlink(self.current)
        except OSError:
            return self.wsgi_app(environ, start_response)
        if build != self.build:
            self.pages.clear()
            self.build = build
        key = tuple(environ.get(name, "") for name in MEMO_KEY)
        page = self.pages.get(key)
        if page is not None:
            body, status, headers = page
            start_response(status, list(headers))
            return [body]
        sent = {}

        def remember(status, headers, exc_info=None):
            sent.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, remember)
        if not environ.get(MEMOIZABLE) or not sent.get("status", "").startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        vary = ",".join(value for name, value in sent["headers"] if name.lower() == "vary").lower()
        if "accept-language" not in vary and build == self.build:
            self.pages.put(key, body, sent["status"], list(sent["headers"]))
        return [body]


# What a kept page may depend on (see FrontMemo), and how Flask marks a page keepable.
MEMO_KEY = ("HTTP_HOST", "wsgi.url_scheme", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
            "HTTP_HX_REQUEST", "HTTP_ACCEPT_ENCODING")  # fmt: skip
MEMOIZABLE = "news.memoizable"


def _answer_revalidation():
    """Answer a matching If-None-Match with 304, or a page rendered before, without rendering."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in PAGE_RULES:
        return None
    try:
        build_id = current_build().build_id
    except SearchError:
        return None
    g.page_etag = _page_etag(build_id)
    g.built_at = _built_at(build_id)
    if _matches(g.page_etag):
        response = Response(status=304)
        response.set_etag(g.page_etag, weak=True)
        response.headers["Cache-Control"] = PAGE_RULES[request.endpoint]
        if request.endpoint in LISTS:
            response.vary.add("HX-Request")
        return response
    rendered = current_app.extensions["rendered_pages"].get(g.page_etag)
    if rendered is not None:
        body, mimetype = rendered
        response = Response(body, mimetype=mimetype)
        if request.endpoint in LISTS:
            response.vary.add("HX-Request")
        return response
    return None


def _set_caching_headers(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if response.status_code == 304:
        return response
    if endpoint in ("static", "pages.media", "pages.theme") and request.args.get("v"):
        response.headers["Cache-Control"] = FINGERPRINTED
    elif endpoint in PAGE_RULES and response.status_code == 200:
        response.headers["Cache-Control"] = PAGE_RULES[endpoint]
        if "page_etag" in g:
            # Weak: the gzip, brotli and plain bodies are the same page.
            response.set_etag(g.page_etag, weak=True)
            response.last_modified = g.built_at
            if not response.direct_passthrough:
                request.environ[MEMOIZABLE] = True  # a function of FrontMemo's key
                if response.content_encoding is None:
                    current_app.extensions["rendered_pages"].put(
                        g.page_etag, response.get_data(), response.mimetype
                    )
    elif response.status_code in (301, 302, 308):
        response.headers.setdefault("Cache-Control", REDIRECTS)
    elif response.status_code >= 400:
        response.headers["Cache-Control"] = ERRORS
    return response


def init_app(app: Flask) -> None:
    """Validators, Cache-Control, fingerprinted static URLs and compression."""
    app.config["RELEASE"] = release_fingerprint(app)
    app.extensions["rendered_pages"] = RenderedPages()
    fingerprints = _static_fingerprints(app)

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            values["v"] = fingerprints.get(values.get("filename", ""), app.config["RELEASE"])
        elif endpoint in ("pages.media", "pages.theme") and "v" not in values:
            try:
                values["v"] = current_build().build_id
            except SearchError:
                pass

    app.wsgi_app = FrontMemo(app.wsgi_app, app.config["BUILDS_DIR"])
    app.before_request(_answer_revalidation)
    app.after_request(_set_caching_headers)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/plain", "application/javascript", "text/javascript",
         "application/atom+xml", "application/xml", "image/svg+xml"],
    )  # fmt: skip
    Compress(app)
