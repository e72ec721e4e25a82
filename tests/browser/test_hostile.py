"""Hostile content and hostile URLs in a real browser: no payload ever runs.

alert, confirm and prompt are hooked before any page script; a dialog or a hooked call
fails the test, and so does any inline script or event-handler attribute in the DOM.
"""

from __future__ import annotations

import json
import threading
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from tests.conftest import ContentTree, make_app
from tests.xss_payloads import MARKDOWN_PAYLOADS, PAYLOADS
from webapp.build import write_build

pytestmark = pytest.mark.browser

HOOK = """
window.__xss = 0;
for (const name of ['alert', 'confirm', 'prompt']) window[name] = () => { window.__xss += 1; };
"""
DOM_CHECK = """() => ({
  ran: window.__xss,
  scripts: [...document.querySelectorAll('script')]
    .filter(s => !s.src && s.type !== 'application/ld+json').map(s => s.outerHTML.slice(0, 80)),
  handlers: [...document.querySelectorAll('*')]
    .flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  jsLinks: [...document.querySelectorAll('[href], [src]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src'))
    .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v)),
})"""


def quoted(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML scalar


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """A site whose content files carry the payloads in every field a communicator writes."""
    root = tmp_path_factory.mktemp("hostile")
    tree = ContentTree(root / "content")
    tree.write("images/bild.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    for number, payload in enumerate(PAYLOADS):
        body = f"{payload}\n\n" + "\n\n".join(MARKDOWN_PAYLOADS) + f"\n\n::: lang en\n{payload}\n:::\n"
        tree.article(
            f"xss{number}",
            title=quoted(f"Rubrik {payload}"),
            lead=quoted(payload),
            image="{src: bild.svg, alt: " + quoted(payload) + ", caption: " + quoted(payload) + "}",
            fact_boxes="\n  - title: "
            + quoted(payload)
            + "\n    body: "
            + quoted(payload + " [x](javascript:alert(1))"),
            contacts="\n  - name: "
            + quoted(payload)
            + "\n    role: "
            + quoted(payload)
            + "\n    email: "
            + quoted('a@b.se" onmouseover="alert(1)'),
            body=body,
        )
    builds = root / "builds"
    write_build(tree.load(), builds)
    server = make_server("127.0.0.1", 0, make_app(builds), threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def hooked_page(browser, hostile_site):
    context = browser.new_context(base_url=hostile_site)
    context.add_init_script(HOOK)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def assert_nothing_ran(page, url):
    page.goto(url)
    # Hover and focus everything a mouse or keyboard would, so handlers would have fired.
    page.mouse.move(10, 10)
    for link in page.locator("main a:visible").all()[:8]:  # a skip link shows only when focused
        link.hover()
    for _ in range(12):
        page.keyboard.press("Tab")
    found = page.evaluate(DOM_CHECK)
    assert found == {"ran": 0, "scripts": [], "handlers": [], "jsLinks": []}, url
    assert page.dialogs == [], url


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_payloads_in_content_files_never_run(hooked_page, number):
    assert_nothing_ran(hooked_page, f"/sv/news/xss{number}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_queries_and_filter_values_never_run(hooked_page, payload):
    value = quote(payload)
    for url in (f"/sv/search?q={value}", f"/en/?topic={value}&partner={value}&year={value}&sort={value}"):
        assert_nothing_ran(hooked_page, url)


def test_lists_of_hostile_articles_never_run(hooked_page):
    for url in ("/sv/", "/sv/?page=2", "/sv/search?q=Rubrik", "/sv/topics/klimat"):
        assert_nothing_ran(hooked_page, url)
