"""Screen reader journeys: what a blind reader is told while filtering, paging, searching,
going Back and Forward, sharing and reading, as Chromium's accessibility tree gives it to
a screen reader (CDP Accessibility.getFullAXTree): accessible names, descriptions, focus,
live region text, titles and headings. axe passes every one of these pages; these tests
check what is said, where focus is, and that an announcement is made once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.search_quality import MISSPELT
from tests.web.test_pages import SEED_EN, SEED_SV

pytestmark = pytest.mark.browser

LANDMARKS = {"banner", "navigation", "search", "main", "region", "complementary", "contentinfo", "form"}

# Records what each status region says, in order, across htmx's history restores (which
# replace the body's children but not the document). A repeated message counts again when
# the region's text changed (share.js alternates a no-break space for that).
RECORD_ANNOUNCEMENTS = """
window.__said = [];
window.__heard = {};
new MutationObserver(() => {
  document.querySelectorAll('[role=status]').forEach(region => {
    const raw = region.textContent;
    if (raw.trim() && window.__heard[region.id] !== raw) window.__said.push(raw.replace(/\\s+/g, ' ').trim());
    window.__heard[region.id] = raw;
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


class Tree:
    """The page's accessibility tree at one moment, as a screen reader reads it."""

    def __init__(self, page):
        cdp = page.context.new_cdp_session(page)
        try:
            nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        finally:
            cdp.detach()
        self.by_id = {node["nodeId"]: node for node in nodes}
        self.nodes = [node for node in nodes if not node.get("ignored")]

    @staticmethod
    def role(node) -> str:
        return node["role"]["value"]

    @staticmethod
    def name(node) -> str:
        return node.get("name", {}).get("value", "")

    @staticmethod
    def description(node) -> str:
        return node.get("description", {}).get("value", "")

    @staticmethod
    def prop(node, key: str):
        return next((p["value"].get("value") for p in node.get("properties", []) if p["name"] == key), None)

    def all(self, role: str, name: str | None = None) -> list[dict]:
        return [n for n in self.nodes if self.role(n) == role and (name is None or self.name(n) == name)]

    def one(self, role: str, name: str) -> dict:
        found = self.all(role, name)
        assert len(found) == 1, (
            f"{len(found)} {role} named {name!r}: {[self.name(n) for n in self.all(role)]}"
        )
        return found[0]

    def headings(self, level: int) -> list[str]:
        return [self.name(n) for n in self.all("heading") if self.prop(n, "level") == level]

    def focused(self) -> tuple[str, str] | None:
        """(role, name) of the focused element; None when focus is on the document itself."""
        found = [n for n in self.nodes if self.prop(n, "focused") and self.role(n) != "RootWebArea"]
        return (self.role(found[-1]), self.name(found[-1])) if found else None

    def text(self, node) -> str:
        """The text a screen reader reads inside `node`."""
        parts = []

        def walk(current):
            if self.role(current) == "StaticText" and not current.get("ignored"):
                parts.append(self.name(current))
            for child in current.get("childIds", []):
                if child in self.by_id:
                    walk(self.by_id[child])

        walk(node)
        return " ".join("".join(parts).split())

    def ancestors(self, node) -> list[dict]:
        found = []
        while node.get("parentId") in self.by_id:
            node = self.by_id[node["parentId"]]
            found.append(node)
        return found

    def landmarks(self) -> list[dict]:
        """Landmarks a screen reader lists (a region or form only when it has a name)."""
        return [
            n
            for n in self.nodes
            if self.role(n) in LANDMARKS and (self.role(n) not in ("region", "form") or self.name(n))
        ]

    def status_regions(self) -> list[dict]:
        return [n for n in self.all("status") if self.prop(n, "live") == "polite"]


def focus_is(page, element_id: str) -> None:
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id)


def results_sentence(page) -> str:
    return " ".join(page.locator("#results-heading").inner_text().split())


# 1. Back and Forward after filtering: the title names the restored state, focus returns to
#    the control the reader was on, and the results sentence is announced once.
def test_back_and_forward_restore_the_title_focus_and_one_announcement(page):
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto("/sv/")
    page.locator("#f-partner-chalmers").check()
    expect(page).to_have_title(re.compile(r"^Nyheter \(\d+ artiklar från Chalmers\) – "))
    page.locator("#f-topic-vatten").check()
    expect(page).to_have_title(
        re.compile(r"^Nyheter \(\d+ artik(?:el|lar) om Vatten och hav från Chalmers\) – ")
    )
    page.go_back()
    expect(page).to_have_title(re.compile(r"^Nyheter \(\d+ artiklar från Chalmers\) – "))
    page.go_back()
    expect(page).to_have_title(re.compile(r"^Nyheter – "))
    expect(page.locator("#f-partner-chalmers")).not_to_be_checked()
    # The whole list's sentence, not the first Back's (which may still be on its way).
    page.wait_for_function("window.__said.length > 0 && !window.__said.at(-1).includes('Chalmers')")
    page.wait_for_timeout(400)
    page.evaluate("window.__said = []")

    page.go_forward()
    expect(page).to_have_title(re.compile(r"^Nyheter \(\d+ artiklar från Chalmers\) – "))
    expect(page.locator("#f-partner-chalmers")).to_be_checked()
    expect(page.locator("#f-topic-vatten")).not_to_be_checked()
    page.wait_for_function("window.__said.length > 0")
    page.wait_for_timeout(400)  # room for a second announcement, which must not come
    sentence = results_sentence(page)
    assert re.match(r"^\d+ artiklar från Chalmers", sentence)
    assert page.evaluate("window.__said") == [sentence]
    tree = Tree(page)
    role, name = tree.focused()
    assert role == "checkbox" and name.startswith("Vatten och hav"), (role, name)
    assert [tree.text(region) for region in tree.status_regions()] == [sentence]


# 2. Links that change the list, with JavaScript: the results are swapped in place (no page
#    load), focus goes to the results heading, which says the new list, and the live region
#    stays quiet so nothing is said twice. The form follows.
def test_remove_clear_and_page_links_swap_the_results_and_focus_their_heading(page):
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto("/sv/?topic=vatten&partner=smhi")
    page.evaluate("window.__same_document = true")

    page.get_by_role("link", name="SMHI, ta bort filter").click()
    focus_is(page, "results-heading")
    role, name = Tree(page).focused()
    assert role == "heading" and re.match(r"^\d+ artiklar om Vatten och hav(, sida 1 av \d+)?$", name), name
    assert "partner=" not in page.url and not page.locator("#f-partner-smhi").is_checked()
    expect(page).to_have_title(re.compile(r"^Nyheter \(\d+ artiklar om Vatten och hav\) – "))

    page.get_by_role("link", name="Rensa alla filter").click()
    expect(page.locator("#f-topic-vatten")).not_to_be_checked()
    focus_is(page, "results-heading")
    assert Tree(page).focused() == ("heading", results_sentence(page))
    assert re.match(r"^\d+ artiklar, sida 1 av \d+$", results_sentence(page))

    page.get_by_role("link", name="Nästa sida").click()
    expect(page.locator("#results-heading")).to_contain_text("sida 2 av")
    focus_is(page, "results-heading")
    assert Tree(page).focused() == ("heading", results_sentence(page))
    page.keyboard.press("Tab")  # the next stop is the first result, not the top of the page
    assert page.evaluate("!!document.activeElement.closest('.article-list')")
    assert Tree(page).focused()[0] == "link"

    assert page.evaluate("window.__same_document") is True, "the page was loaded again"
    assert page.evaluate("window.__said") == [], "the heading says it; the live region must not repeat it"


def test_did_you_mean_swaps_the_results_and_renames_the_search(page):
    # Whichever misspelling the search engine answers with a link to another search
    # ("Menade du …?", or "Sök i stället efter …" after a correction).
    for query in [q for lang, q, _ in MISSPELT if lang == "sv"] + ["vattenn"]:
        page.goto(f"/sv/search?q={query}")
        if page.locator(".suggestion a").count():
            break
    else:
        pytest.fail("no misspelling gives a suggestion link")
    page.evaluate("window.__same_document = true")
    page.locator(".suggestion a").click()
    focus_is(page, "results-heading")
    searched = page.evaluate("new URLSearchParams(location.search).get('q')")
    assert searched and searched != query
    role, name = Tree(page).focused()
    assert role == "heading" and f"”{searched}”" in name, name
    assert Tree(page).headings(1) == [f"Sökresultat för ”{searched}”"]
    assert page.locator("#f-q").input_value() == searched
    assert page.locator("#site-search-q").input_value() == searched
    expect(page).to_have_title(re.compile(rf"^Sök: {re.escape(searched)} \(\d+ artik(?:el|lar)\) – "))
    assert page.evaluate("window.__same_document") is True


# 2 without JavaScript: the same links load the page at the results heading, and a skip
# link passes the filter form on every list page.
def test_without_javascript_list_links_land_on_the_results(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sv/?topic=vatten&partner=smhi")
    page.get_by_role("link", name="SMHI, ta bort filter").click()
    page.wait_for_url(re.compile(r"/sv/\?topic=vatten#results-heading$"))
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#results')"), "Tab left the results"

    page.goto("/sv/")
    page.get_by_role("link", name="Nästa sida").click()
    page.wait_for_url(re.compile(r"page=2#results-heading$"))
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.article-list')")

    # From the top of page 2, by keyboard: the skip link comes before the filter form.
    page.goto("/sv/?page=2")
    presses = 0
    while page.evaluate("document.activeElement.textContent.trim()") != "Hoppa till resultaten":
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 15, "no skip link to the results before the filter form"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results-heading"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.article-list')")
    assert presses + 2 <= 15  # was 44 Tab presses to the first result
    context.close()


@pytest.mark.parametrize("url", ["/en/topics/vatten", "/sv/partners/smhi", "/sv/search?q=vatten"])
def test_every_list_page_has_a_skip_link_to_its_results(page, url):
    page.goto(url)
    link = page.locator("a.skip-link--results")
    expect(link).to_have_attribute("href", "#results-heading")
    link.focus()
    assert link.is_visible() and link.bounding_box()["width"] > 50


# 3. Searching again from the form: the h1, the title and the header's search box follow.
def test_a_new_search_from_the_form_renames_the_page(page):
    page.goto("/sv/search?q=vatten")
    page.locator("#f-q").fill("ålgräs")
    page.locator("#f-q").press("Enter")
    expect(page).to_have_title(re.compile(r"^Sök: ålgräs \(\d+ artik(?:el|lar)\) – "))
    expect(page.locator("#results-status")).to_contain_text("”ålgräs”")
    tree = Tree(page)
    assert tree.headings(1) == ["Sökresultat för ”ålgräs”"]
    header_box = tree.one("searchbox", "Sök bland nyheterna")
    assert header_box.get("value", {}).get("value") == "ålgräs"
    assert tree.focused() == ("searchbox", "Sökord")


# 4. "Link copied": the status region is in the tree from page load; only its text changes.
def test_the_copy_status_region_is_there_before_its_message(browser, base_url):
    context = browser.new_context(base_url=base_url, bypass_csp=True)  # for wait_for_function
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.add_init_script(RECORD_ANNOUNCEMENTS)
    page = context.new_page()
    page.goto(SEED_SV)
    regions = Tree(page).status_regions()
    assert len(regions) == 1 and Tree(page).text(regions[0]) == "", "no status region before the message"
    button = page.get_by_role("button", name="Kopiera länk")
    button.click()
    page.wait_for_function("window.__said.length === 1")
    tree = Tree(page)
    assert [tree.text(region) for region in tree.status_regions()] == ["Länken är kopierad"]
    button.click()  # the same words again are still a change a screen reader hears
    page.wait_for_function("window.__said.length === 2")
    assert page.evaluate("window.__said") == ["Länken är kopierad", "Länken är kopierad"]
    assert page.locator("#share-status").evaluate("e => e.isConnected")
    context.close()


# 5. The English passage in a Swedish article: a heading in English and a jump link to it.
def test_the_english_passage_has_a_heading_and_a_link_to_it(page):
    page.goto(SEED_SV)
    tree = Tree(page)
    heading = tree.one("heading", "In English")
    assert tree.prop(heading, "level") == 2
    assert page.locator("#passage-en").get_attribute("lang") == "en"
    link = page.locator(".article__header").get_by_role("link", name="Read in English")
    assert link.get_attribute("lang") == "en"
    link.click()
    focus_is(page, "passage-en")
    assert Tree(page).focused() == ("heading", "In English")
    # The passage follows its heading.
    assert page.locator("#passage-en + .other-language[lang=en]").count() == 1


# 6. The hint on how filters combine describes each group.
def test_the_filter_hint_describes_every_group(page):
    page.goto("/sv/")
    tree = Tree(page)
    groups = tree.all("group")
    assert {tree.name(g) for g in groups} >= {"Ämnen", "Samarbetspartner", "År"}
    for group in groups:
        assert tree.description(group).startswith("Välj flera alternativ i en grupp"), tree.name(group)


# 7. Changing the order says the new order (and only then).
def test_changing_the_order_says_the_new_order(page):
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.goto("/sv/")
    page.locator("#f-sort").select_option("oldest")
    page.wait_for_function("window.__said.length === 1")
    tree = Tree(page)
    [said] = [tree.text(region) for region in tree.status_regions()]
    assert re.match(r"^\d+ artiklar\. Ordning: Äldst först$", said), said
    expect(page).to_have_title(re.compile(r"^Nyheter \(äldst först\) – "))
    page.locator("#f-topic-vatten").check()
    page.wait_for_function("window.__said.length === 2")
    assert re.match(r"^\d+ artiklar om Vatten och hav$", page.evaluate("window.__said[1]"))


# 8. A filter's remove link starts with the words it shows, for voice control.
def test_remove_filter_links_are_named_by_their_visible_words_first(page):
    page.goto("/sv/?topic=hallbar-utveckling&partner=chalmers&year=2024")
    links = page.locator(".active-filters .tag--remove")
    assert links.count() == 3
    tree = Tree(page)
    for index in range(3):
        visible = links.nth(index).inner_text().replace("×", "").strip()
        node = tree.one("link", f"{visible}, ta bort filter")
        assert tree.name(node).startswith(visible)


# 9. The short link has a name a listener can bear.
def test_the_short_link_is_named_in_words(page):
    page.goto(SEED_SV)
    tree = Tree(page)
    link = tree.one("link", "Kort länk till artikeln")
    assert tree.prop(link, "url").endswith("/sv/a/wexsus-partnerskap")
    assert not [tree.name(n) for n in tree.all("link") if tree.name(n).startswith("http")]


# 10. One way of writing a phone number per page, and no reference to a missing page.
@pytest.mark.parametrize(("url", "prefix"), [(SEED_EN, "+46 "), (SEED_SV, "0")])
def test_a_page_writes_phone_numbers_one_way(page, url, prefix):
    page.goto(url)
    numbers = re.findall(r"(?:\+46 |0)\d{1,3}-\d{2,3}(?: \d{2}){1,3}", page.locator("body").inner_text())
    assert numbers and all(number.startswith(prefix) for number in numbers), numbers
    footer = page.get_by_role("contentinfo").inner_text()
    assert "Contact us" not in footer and "Kontakta oss" not in footer
    tel = page.get_by_role("contentinfo").locator("a[href^='tel:']").get_attribute("href")
    assert tel == "tel:+46102244000"


# 11. Landmarks: few enough to be useful; the footer is one landmark, not four.
def test_an_article_has_few_landmarks_and_none_inside_the_footer(page):
    page.goto(SEED_SV)
    tree = Tree(page)
    landmarks = tree.landmarks()
    names = [(tree.role(n), tree.name(n)) for n in landmarks]
    assert len(landmarks) <= 10, names  # was 15
    for node in landmarks:
        inside = {tree.role(a) for a in tree.ancestors(node)}
        assert "contentinfo" not in inside, names
    assert ("region", "Dela sidan") not in names
    in_banner = [n for n in landmarks if "banner" in {tree.role(a) for a in tree.ancestors(n)}]
    assert [tree.role(n) for n in in_banner] == ["navigation", "search"], names


# 12. The language switch keeps the topic, filters and search words.
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sv/topics/vatten?partner=smhi", "/en/topics/vatten?partner=smhi"),
        ("/sv/?topic=vatten&sort=oldest&page=2", "/en/?topic=vatten&sort=oldest"),
        ("/sv/search?q=ålgräs", "/en/search?q=%C3%A5lgr%C3%A4s"),
        ("/en/partners/chalmers", "/sv/partners/chalmers"),
    ],
)
def test_the_language_switch_keeps_the_readers_place(page, url, expected):
    page.goto(url)
    tree = Tree(page)
    other = "English" if url.startswith("/sv/") else "Svenska"
    assert tree.prop(tree.one("link", other), "url").endswith(expected)


def test_the_language_switch_follows_a_filter_chosen_on_the_page(page):
    page.goto("/sv/")
    page.locator("#f-topic-vatten").check()
    switch = page.get_by_role("link", name="English", exact=True)
    expect(switch).to_have_attribute("href", "/en/?topic=vatten")
    switch.click()
    page.wait_for_url("**/en/?topic=vatten")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#f-topic-vatten")).to_be_checked()
    assert Tree(page).one("heading", results_sentence(page))
