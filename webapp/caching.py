"""HTTP caching: validators from the build, Cache-Control per page type, fingerprinted
static files, and compression.

A page is a pure function of the live build, the moment it is read at (which of the
build's scheduled moments have passed: its epoch), the release (templates, translations,
static files), the request's path and query, and its variant (the full page or the htmx
fragment: `page_variant`, the one place that decides it). So its ETag is computed from
those before anything is rendered, and a revalidation that matches is answered 304
without touching the index. No cache may keep a page past the build's next scheduled
moment (an embargo lifting, an alert starting or ending): `max-age` is capped to it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from flask_compress import Compress
from werkzeug.datastructures import EnvironHeaders

from webapp.live import Build, LiveBuild, current_build, now
from webapp.search import SearchError

ONE_YEAR = 31_536_000
# Cache-Control by endpoint. Shared caches may keep pages a little while and serve them
# stale while revalidating; a new build shows within minutes. Errors are not cached long.
PAGE_RULES = {
    "news.article": "public, max-age=300, stale-while-revalidate=600",
    "news.easy_read_article": "public, max-age=300, stale-while-revalidate=600",
    "news.easy_read_list": "public, max-age=60, stale-while-revalidate=300",
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
    "site_files.sitemap_file": "public, max-age=3600",
    "site_files.sitemap_recent": "public, max-age=300",
    "site_files.robots": "public, max-age=86400",
}
LISTS = ("news.news_list", "news.topic", "news.partner", "search.search")
REDIRECTS = "public, max-age=300"
# Client errors (4xx) briefly, so a flood of one bad address is answered by the proxy and a
# fixed link works again within seconds; server errors (5xx) never: views/errors.py sends
# them with no-store, so no cache repeats a passing failure to every reader.
ERRORS = "public, max-age=10"
# Files whose URL carries their fingerprint (?v=) never change: cache them for a year.
FINGERPRINTED = f"public, max-age={ONE_YEAR}, immutable"


# The request headers that choose a page's variant. Every cache key derives from
# page_variant (the memo's, the ETag), and these are what `Vary` names and what nginx's
# proxy_cache_key must hold (tests/web/test_caching.py reads deploy/nginx.conf for it).
VARIANT_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def page_variant(headers) -> str:
    """Which variant of a list page a request gets: "fragment" when htmx asks for the
    results region only, else "page" (a history restore wants the whole page)."""
    if headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true":
        return "fragment"
    return "page"


def capped(rule: str, seconds_left: float | None) -> str:
    """`rule` (a Cache-Control value) shortened so no cache keeps the page past a moment
    `seconds_left` from now: max-age at most that, and no serving stale after it."""
    if seconds_left is None:
        return rule
    left = max(0, int(seconds_left))
    max_age = re.search(r"max-age=(\d+)", rule)
    if max_age is None or int(max_age.group(1)) <= left and "stale" not in rule:
        return rule
    age = min(int(max_age.group(1)), left)
    rule = rule.replace(max_age.group(0), f"max-age={age}")

    def stale(match: re.Match) -> str:
        return f"{match.group(1)}={min(int(match.group(2)), left - age)}"

    return re.sub(r"(stale-while-revalidate|stale-if-error)=(\d+)", stale, rule)


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


def _page_etag(build: Build) -> str:
    """The ETag this request's page will have, known before rendering it."""
    prefixed = request.url_rule is not None and "lang_code" in request.url_rule.arguments
    parts = [
        current_app.config["RELEASE"],
        build.build_id,
        str(build.epoch(now())),
        request.full_path,
        page_variant(request.headers),
        # Unprefixed addresses (/, /a/<key>) answer by Accept-Language.
        "" if prefixed else request.headers.get("Accept-Language", ""),
    ]
    return hashlib.sha1("\x00".join(parts).encode(), usedforsecurity=False).hexdigest()[:24]


def _matches(etag: str) -> bool:
    # Compression appends ":gzip" (or another algorithm) to the ETag it sends.
    sent = {tag.split(":", 1)[0] for tag in request.if_none_match.as_set(include_weak=True)}
    return etag in sent or "*" in request.if_none_match


class RenderedPages:
    """The last few hundred finished pages of this worker (FrontMemo's): (body, *details) by
    key, at most `max_bytes` of bodies, least recently used first out. A page can be sent
    again until the build or the release changes (then every key changes). It is a bounded
    cache, not state: losing it costs one render.

    (A second memo inside Flask, keyed by the ETag, was removed on 2026-12-02: it kept only
    uncompressed bodies, as compression runs before our after-request hook, so it served
    clients that ask for no compression and no browser; bench/page_memos.py measured a page
    asked with another Accept-Encoding at the cost of a render, 4.0 ms, either way.)"""

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
    response depends on: the live build and its epoch, host and scheme, path and query,
    the page variant and Accept-Encoding. Responses that vary on anything else
    (Accept-Language) are never kept, and conditional requests always go to Flask, which
    answers 304s. A new build empties it. Cache-Control is capped again when a kept page
    is sent, as the next scheduled moment is nearer then.
    """

    def __init__(self, wsgi_app, live: LiveBuild, clock: Callable[[], datetime]):
        self.wsgi_app = wsgi_app
        self.live = live
        self.clock = clock
        self.build = None
        self.pages = RenderedPages()

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or any(
            name in environ for name in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_COOKIE")
        ):
            return self.wsgi_app(environ, start_response)
        try:
            live = self.live.get()
        except SearchError:
            return self.wsgi_app(environ, start_response)
        build = live.build_id
        if build != self.build:
            self.pages.clear()
            self.build = build
        moment = self.clock()
        variant = page_variant(EnvironHeaders(environ))
        key = (*(environ.get(name, "") for name in MEMO_KEY), variant, live.epoch(moment))
        page = self.pages.get(key)
        if page is not None:
            body, status, headers = page
            left = live.seconds_to_next_change(moment)
            start_response(
                status,
                [
                    (name, capped(value, left) if name == "Cache-Control" else value)
                    for name, value in headers
                ],
            )
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


# What a kept page may depend on besides its variant and epoch (see FrontMemo), and how
# Flask marks a page keepable.
MEMO_KEY = ("HTTP_HOST", "wsgi.url_scheme", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
            "HTTP_ACCEPT_ENCODING")  # fmt: skip
MEMOIZABLE = "news.memoizable"


def _answer_revalidation():
    """Answer a matching If-None-Match with 304, without rendering."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in PAGE_RULES:
        return None
    try:
        build = current_build()
    except SearchError:
        return None
    g.page_etag = _page_etag(build)
    g.built_at = _changed_at(build)
    if _matches(g.page_etag):
        response = Response(status=304)
        response.set_etag(g.page_etag, weak=True)
        response.headers["Cache-Control"] = capped(
            PAGE_RULES[request.endpoint], build.seconds_to_next_change(now())
        )
        _vary_by_variant(response)
        return response
    return None


def _vary_by_variant(response: Response) -> None:
    if request.endpoint in LISTS:
        for header in VARIANT_HEADERS:
            response.vary.add(header)


def _changed_at(build: Build) -> datetime:
    """When what this request sees last changed: the build, or a scheduled moment since."""
    passed = build.epoch(now())
    built = _built_at(build.build_id)
    if passed:
        return max(built, datetime.fromtimestamp(int(build.moments[passed - 1]), UTC))
    return built


def _set_caching_headers(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if response.status_code == 304:
        return response
    if endpoint in ("static", "pages.media", "pages.theme") and request.args.get("v"):
        response.headers["Cache-Control"] = FINGERPRINTED
    elif endpoint in PAGE_RULES and response.status_code == 200:
        try:
            left = current_build().seconds_to_next_change(now())
        except SearchError:
            left = None
        response.headers["Cache-Control"] = capped(PAGE_RULES[endpoint], left)
        _vary_by_variant(response)
        if "page_etag" in g:
            # Weak: the gzip, brotli and plain bodies are the same page.
            response.set_etag(g.page_etag, weak=True)
            response.last_modified = g.built_at
            if not response.direct_passthrough:
                request.environ[MEMOIZABLE] = True  # a function of FrontMemo's key
    elif response.status_code in (301, 302, 308):
        response.headers.setdefault("Cache-Control", REDIRECTS)
    elif response.status_code >= 400:
        response.headers["Cache-Control"] = ERRORS
    return response


def init_app(app: Flask) -> None:
    """Validators, Cache-Control, fingerprinted static URLs and compression."""
    app.config["RELEASE"] = release_fingerprint(app)
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

    app.wsgi_app = FrontMemo(
        app.wsgi_app, app.extensions["live_build"], lambda: app.config["NOW"] or datetime.now(UTC)
    )
    app.before_request(_answer_revalidation)
    app.after_request(_set_caching_headers)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/plain", "application/javascript", "text/javascript",
         "application/atom+xml", "application/xml", "image/svg+xml"],
    )  # fmt: skip
    Compress(app)
