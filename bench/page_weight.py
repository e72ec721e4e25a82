"""Page weight of the article, list and search pages in a real browser: requests, bytes
per kind (as sent, and gzip'd), and third-party requests (which must be zero).

    .venv/bin/python bench/page_weight.py [--builds var/builds]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import threading
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app  # noqa: E402

PAGES = {
    "article": "/sv/news/partnerskap-starker-samverkan-for-hallbar-utveckling",
    "list": "/sv/",
    "search": "/sv/search?q=vatten",
}


def kind(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if path.endswith(".js") or "javascript" in content_type:
        return "JS (ours)" if "/vendor/" not in path else "JS (htmx)"
    if path.endswith(".css") or "css" in content_type:
        return "CSS"
    if "font" in content_type:
        return "fonts"
    if content_type.startswith("image/"):
        return "images"
    return "HTML"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", type=Path, default=Path("var/builds"))
    args = parser.parse_args()
    server = make_server("127.0.0.1", 0, create_app({"BUILDS_DIR": args.builds}), threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    print(
        "| page | requests | third-party | HTML | CSS | JS (ours) | JS (htmx) | images "
        "| total | total gzip'd |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-background-networking"]
        )
        for name, path in PAGES.items():
            page = browser.new_page()
            seen = []
            page.on("requestfinished", lambda request, seen=seen: seen.append(request))
            page.goto(base + path, wait_until="networkidle")
            sizes: dict[str, int] = defaultdict(int)
            total = gzipped = third_party = 0
            for request in seen:
                response = request.response()
                if urlsplit(request.url).netloc != urlsplit(base).netloc:
                    third_party += 1
                body = response.body() if response else b""
                sizes[kind(request.url, response.headers.get("content-type", "") if response else "")] += len(
                    body
                )
                total += len(body)
                gzipped += len(gzip.compress(body, 6))
            cells = [
                f"{sizes.get(k, 0) / 1024:.1f} KB"
                for k in ("HTML", "CSS", "JS (ours)", "JS (htmx)", "images")
            ]
            print(
                f"| {name} | {len(seen)} | {third_party} | {' | '.join(cells)} "
                f"| {total / 1024:.1f} KB | {gzipped / 1024:.1f} KB |"
            )
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
