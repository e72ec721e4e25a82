"""A value of the wrong type in any field of any content file is a problem naming the file
and the field, never a traceback: tested case by case, and for every field of every file
type with arbitrary YAML values (hypothesis)."""

from __future__ import annotations

import copy
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import LABEL, ContentTree
from webapp.content import ContentError, ContentLoader
from webapp.content.articles import ARTICLE_FIELDS, PAGE_FIELDS
from webapp.content.yaml_files import ALERT_FIELDS, PARTNER_FIELDS, SEARCH_FIELDS, SITE_FIELDS, TOPIC_FIELDS


def messages(content) -> list[str]:
    return [str(problem) for problem in content.problems]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"contacts": "7"}, "contacts: must be a list"),
        ({"changes": "7"}, "changes: must be a list"),
        ({"fact_boxes": "5"}, "fact_boxes: must be a list"),
        ({"old_slugs": "7"}, "old_slugs: must be a list"),
        ({"fact_boxes": "[{partner: [wexsus]}]"}, "fact_boxes[1].partner: must be text, not a list"),
        (
            {"published": "0001-01-01 00:00"},
            "published: '0001-01-01 00:00' must be between the years 1900 and 2199",
        ),
        ({"published": "[2024]"}, "published: must be a date and time like 2024-05-02 09:30, not a list"),
        ({"title": "{sv: Rubrik}"}, "title: must be text, not a group of fields"),
        ({"topics": "{klimat: ja}"}, "topics: must be a list"),
        ({"image": "bild.png"}, "image: must be fields on lines of their own"),
        ({"withdrawn": "true"}, "withdrawn: must be fields on lines of their own"),
        ({"draft": "[true]"}, "draft: must be true or false"),
        ({"contacts": "[[Anna]]"}, "contacts[1]: must be fields on lines of their own"),
        ({"changes": "[{date: {}, note: x}]"}, "changes[1].date: must be a date and time"),
    ],
)
def test_a_field_of_the_wrong_type_is_a_problem_naming_file_and_field(content_tree, fields, problem):
    content_tree.article("nyhet", **fields)
    content_tree.article("annan")
    content = content_tree.load()
    assert [a.key for a in content.articles] == ["annan"]
    assert f"content/articles/nyhet.sv.md: {problem}" in messages(content)[0]


def test_the_latest_moment_in_a_western_time_zone_is_a_problem_not_an_overflow(content_tree):
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + "timezone: America/Los_Angeles\n")
    content_tree.article("nyhet", published="9999-12-31 23:59")
    assert (
        "published: '9999-12-31 23:59' must be between the years 1900 and 2199"
        in messages(content_tree.load())[0]
    )


def test_site_accessibility_as_text_stops_the_build_naming_the_field(content_tree):
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + "accessibility: abc\n")
    with pytest.raises(ContentError, match="site.yaml: accessibility: must be fields"):
        content_tree.load()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("synonyms: [a, b]\n", "search.yaml: synonyms: must be fields on lines of their own"),
        ("best_bets: 5\n", "search.yaml: best_bets: must be a list"),
        ("synonyms: {sv: eld}\n", "search.yaml: synonyms.sv: must be a list"),
        ("synonyms: {sv: [eld]}\n", "search.yaml: synonyms.sv[1]: needs at least two words"),
        ("synonyms: {sv: [[eld]]}\n", "search.yaml: synonyms.sv[1]: needs at least two words"),
        ("best_bets: [{queries: {sv: [{}]}, articles: [a]}]\n", "best_bets[1].queries.sv: must be a list"),
    ],
)
def test_search_settings_of_the_wrong_type_are_a_problem_and_search_works_without_them(
    content_tree, text, problem
):
    content_tree.article("a")
    content_tree.write("search.yaml", text)
    content = content_tree.load()
    assert content.search.synonyms == {} and content.search.best_bets == ()
    assert problem in messages(content)[0] and len(content.articles) == 1


# The property: for every field of every file type, any YAML value.

SITE = {
    "name": {"sv": "Myndigheten", "en": "The Authority"},
    "base_url": "https://news.example.se",
    "logo": "logo.svg",
    "social": [{"name": "Facebook", "url": "https://example.com/f"}],
    "accessibility": {"email": "a@example.se", "phone": "010-00 00 00"},
    "historic_after_years": "5",
}
ARTICLE = {
    "title": "Rubrik",
    "lead": "Ingress.",
    "published": "2024-05-02 09:30",
    "updated": "2024-05-03 09:30",
    "topics": ["klimat"],
    "partners": ["chalmers"],
    "image": {"src": "logo.svg", "alt": "En logotyp", "caption": "Bildtext"},
    "fact_boxes": [{"partner": "chalmers"}, {"title": "Ruta", "body": "**Text**"}],
    "contacts": [{"name": "Anna", "role": "Handläggare", "phone": "010", "email": "a@example.se"}],
    "changes": [{"date": "2024-05-03 09:30", "note": "Rättat."}],
    "slug": "nyhet",
    "old_slugs": ["gammal"],
    "draft": "false",
    "withdrawn": {"date": "2024-06-01 10:00", "reason": "Fel."},
    "historic": "true",
}
ALERT = {
    "severity": "warning",
    "title": {"sv": "Varning", "en": "Warning"},
    "text": {"sv": "Text", "en": "Text"},
    "link": "/sv/news/nyhet",
    "link_text": {"sv": "Läs", "en": "Read"},
    "from": "2024-05-01 08:00",
    "until": "2024-05-02 08:00",
}
SEARCH = {
    "synonyms": {"sv": [["eld", "brand"]], "en": [["fire", "blaze"]]},
    "best_bets": [{"queries": {"sv": ["eld"], "en": ["fire"]}, "articles": ["nyhet"]}],
}
# file type: (path, the valid document, whether its problems stop the build, its fields)
FILE_TYPES = {
    "site": ("site.yaml", SITE, True, SITE_FIELDS),
    "topic": ("topics/klimat.yaml", {"name": {"sv": "Klimat", "en": "Climate"}}, True, TOPIC_FIELDS),
    "partner": (
        "partners/chalmers.yaml",
        {"name": {"sv": "Chalmers", "en": "Chalmers"}, "website": "https://chalmers.example"},
        True,
        PARTNER_FIELDS,
    ),
    "article": ("articles/nyhet.sv.md", ARTICLE, False, ARTICLE_FIELDS),
    "page": (
        "pages/om.sv.md",
        {"title": "Om oss", "lead": "Ingress.", "updated": "2024-05-02"},
        False,
        PAGE_FIELDS,
    ),
    "alert": ("alerts/varning.yaml", ALERT, False, ALERT_FIELDS),
    "search": ("search.yaml", SEARCH, False, SEARCH_FIELDS),
}
# Fields inside fields, besides every top-level one.
NESTED = {
    "site": [("name", "sv"), ("social", 0), ("social", 0, "url"), ("accessibility", "email")],
    "topic": [("name", "en")],
    "partner": [("name", "sv")],
    "article": [
        ("image", "src"),
        ("image", "alt"),
        ("fact_boxes", 0),
        ("fact_boxes", 0, "partner"),
        ("fact_boxes", 1, "body"),
        ("contacts", 0, "name"),
        ("contacts", 0, "email"),
        ("changes", 0, "date"),
        ("topics", 0),
        ("old_slugs", 0),
        ("withdrawn", "date"),
        ("withdrawn", "reason"),
    ],
    "page": [],
    "alert": [("title", "sv"), ("link_text", "en")],
    "search": [
        ("synonyms", "sv"),
        ("synonyms", "sv", 0),
        ("best_bets", 0, "queries"),
        ("best_bets", 0, "articles"),
    ],
}
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.text(alphabet=st.characters(max_codepoint=0x20), max_size=5)  # control characters
    | st.dates(min_value=date(1, 1, 1))
    | st.datetimes(min_value=datetime(1, 1, 1))
    | st.sampled_from(
        ["", " ", "true", "0001-01-01 00:00", "9999-12-31 23:59", "javascript:alert(1)", "*", "&"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.none(), inner, max_size=4)
    ),
    max_leaves=12,
)


def _written(kind: str, document: dict) -> str:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\nBrödtext.\n" if kind in ("article", "page") else text


def _replaced(document: dict, where: tuple, value: object) -> dict:
    document = copy.deepcopy(document)
    *path, last = where
    target = document
    for step in path:
        target = target[step]
    target[last] = value
    return document


def _load_with(kind: str, where: tuple, value: object) -> None:
    """Load a valid tree whose file of type `kind` has `value` at `where`: it loads, with the
    problem in content.problems, or (site, topics, partners) raises ContentError."""
    path, document, fatal, _ = FILE_TYPES[kind]
    with tempfile.TemporaryDirectory() as folder:
        tree = ContentTree(Path(folder) / "content")
        tree.write("images/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
        tree.write("site.yaml", _written("site", SITE))
        if kind != "article":
            tree.write("articles/nyhet.sv.md", _written("article", ARTICLE))
        tree.write(path, _written(kind, _replaced(document, where, value)))
        try:
            content = ContentLoader(tree.root, LABEL).load()
        except ContentError as error:
            assert fatal, f"a problem in {path} must not stop the build: {error}"
            assert all(str(problem).startswith(f"content/{path}") for problem in error.problems)
            return
        for problem in content.problems:
            assert problem.path == f"content/{path}" and problem.message, problem


def _places(kind: str) -> list[tuple]:
    return [(field,) for field in sorted(FILE_TYPES[kind][3])] + NESTED[kind]


@pytest.mark.parametrize("kind", list(FILE_TYPES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_in_any_field_loads_or_is_a_problem_never_a_traceback(kind, data):
    where = data.draw(st.sampled_from(_places(kind)), label="field")
    value = data.draw(VALUES, label="value")
    _load_with(kind, where, value)


def test_the_valid_documents_of_the_property_load_without_problems():
    # Otherwise the property would only ever see files that are wrong already.
    for kind in FILE_TYPES:
        path, document, _, _ = FILE_TYPES[kind]
        with tempfile.TemporaryDirectory() as folder:
            tree = ContentTree(Path(folder) / "content")
            tree.write("images/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
            tree.write("site.yaml", _written("site", SITE))
            tree.write("articles/nyhet.sv.md", _written("article", ARTICLE))
            tree.write(path, _written(kind, document))
            content = ContentLoader(tree.root, LABEL).load()
            assert content.problems == (), kind
