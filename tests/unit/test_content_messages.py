"""Messages for communicators: a YAML mistake comes out in plain words with its line, column
and the fix, never as parser text; an unknown field gets the nearest known name; a date
without a time is refused where an embargo depends on it."""

from __future__ import annotations

import pytest

from webapp.content import ContentError
from webapp.content.loader import LEFT_OUT

FRONT = "lead: Ingress.\npublished: 2024-05-02 09:30\ntopics: [klimat]\n"


def only_problem(content_tree, text: str, name: str = "articles/nyhet.sv.md") -> str:
    content_tree.write(name, text)
    [problem] = content_tree.load().problems
    assert problem.path == f"content/{name}"
    assert problem.message.endswith(LEFT_OUT)
    return problem.message.removesuffix(f" {LEFT_OUT}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"---\ntitle: Dags: nu\n{FRONT}---\nText\n",
            "line 2, column 12: a colon followed by a space inside a value; put the whole value in double "
            'quotes, like title: "Dags: nu".',
        ),
        (
            f"---\n{FRONT}\tslug: nyhet\n---\nText\n",
            "line 5, column 1: a tab is used to indent; indent with spaces only.",
        ),
        (
            f'---\ntitle: "Dags nu\n{FRONT}---\nText\n',
            "line 6, column 1: a quote is opened but never closed; end the value with the same quote mark.",
        ),
        (
            f"---\ntitle: Rubrik\n{FRONT}Text\n",
            "the front matter has no closing '---' line: end the fields with a line of three dashes, "
            "and write the text below it.",
        ),
        (
            f"---\ntitle: Rubrik\n- {FRONT}---\nText\n",
            "line 3, column 1: a list item ('- ') where a field was expected; write 'field: value', or put "
            "the list on the lines below its field, indented.",
        ),
        (
            f"---\ntitle: Rubrik\ntitle: Annan rubrik\n{FRONT}---\nText\n",
            "line 3, column 1: title appears twice; keep only one of them.",
        ),
        (
            f"---\ntitle: Rubrik\n{FRONT}contacts:\n  - name: Anna\n   role: Chef\n---\nText\n",
            "line 8, column 4: this line is not indented like the list items above it; line up the fields "
            "of each item.",
        ),
        (
            f"---\ntitle: Rubrik\n{FRONT}partners: [chalmers\n---\nText\n",
            "line 7, column 1: a list in [ ] is not closed; separate the items with commas and end it "
            "with ].",
        ),
        (
            f'---\ntitle: "C:\\mapp"\n{FRONT}---\nText\n',
            "line 2, column 11: a backslash inside double quotes; write it twice (\\\\) or use single "
            "quotes.",
        ),
        (
            f"---\ntitle: @myndigheten\n{FRONT}---\nText\n",
            "line 2, column 8: a value cannot start with this character; put the whole value in double "
            "quotes.",
        ),
        (
            f"---\ntitle: !!int 5\n{FRONT}---\nText\n",
            "line 2, column 8: uses a YAML tag (a word after !), which is not allowed; remove it, or put the "
            "value in double quotes.",
        ),
        (
            f"---\ntitle: Rubrik\nlead\n{FRONT}---\nText\n",
            "line 4, column 1: a line without 'field: value'; add the colon, or indent a long value so that "
            "it continues the line above.",
        ),
        (
            f"---\ntitle: Rubrik\n  lead: Ingress\n{FRONT}---\nText\n",
            "line 3, column 7: this field is indented more than the one above it; line up the fields.",
        ),
        (
            f"Ingen rubrik\n---\ntitle: x\n{FRONT}---\nText\n",
            "has no front matter: start the file with a line of three dashes (---), the fields (such as "
            "title:), and another line of three dashes.",
        ),
        (
            "---\n---\nText\n",
            "the front matter must be fields, one per line, like 'title: ...', between the '---' lines.",
        ),
        (
            f"---\ntitle: Rubrik\n{FRONT}---\nText \x07 med pip\n",
            "line 7: contains an invisible control character",
        ),
    ],
)
def test_yaml_mistakes_are_told_in_plain_words_with_line_column_and_fix(content_tree, text, message):
    assert only_problem(content_tree, text).startswith(message)


def test_text_that_is_not_utf8_is_named_with_its_line(content_tree):
    content_tree.article("nyhet")
    (content_tree.root / "articles" / "nyhet.sv.md").write_bytes(
        f"---\ntitle: R\xe4ksm\xf6rg\xe5s\n{FRONT}---\nText\n".encode("latin-1")
    )
    [problem] = content_tree.load().problems
    assert problem.message.startswith("line 2: is not saved as UTF-8 text; save it with the encoding UTF-8")


def test_a_windows_editors_byte_order_mark_and_line_ends_are_fine(content_tree):
    text = f"\ufeff---\ntitle: Rubrik\n{FRONT}---\nText\n".replace("\n", "\r\n")
    (content_tree.root / "articles").mkdir()
    (content_tree.root / "articles" / "nyhet.sv.md").write_bytes(text.encode("utf-8"))
    [article] = content_tree.load().articles
    assert article.title == "Rubrik"


def test_a_yaml_mistake_in_a_yaml_file_has_its_own_line_numbers(content_tree):
    content_tree.write("alerts/brand.yaml", "severity: danger\ntitle: Brand: nu\n")
    [problem] = content_tree.load().problems
    assert problem.message.startswith("line 2, column 13: a colon followed by a space inside a value")


def test_a_yaml_mistake_that_is_not_a_common_one_is_still_placed(content_tree):
    message = only_problem(content_tree, "%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "alerts/brand.yaml")
    assert message == "line 2, column 1: cannot be read: found duplicate %YAML directive."


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "articles/nyhet.sv.md",
            f"---\ntitle: R\nsubtitle: U\n{FRONT}---\nText\n",
            "subtitle: unknown field; did you mean 'title'?",
        ),
        (
            "articles/nyhet.sv.md",
            f"---\ntitle: R\n{FRONT}publicerad: x\n---\nT\n",
            "publicerad: unknown field; did you mean 'published'?",
        ),
        (
            "articles/nyhet.sv.md",
            f"---\ntitle: R\n{FRONT}contacts: [{{nmae: A}}]\n---\nT\n",
            "contacts[1].nmae: unknown field; did you mean 'name'?",
        ),
        (
            "articles/nyhet.sv.md",
            f"---\ntitle: R\n{FRONT}image: {{src: a, alt: A, capton: T}}\n---\nT\n",
            "image.capton: unknown field; did you mean 'caption'?",
        ),
        (
            "pages/om.sv.md",
            "---\ntitle: Om\nleda: x\n---\nText\n",
            "leda: unknown field; did you mean 'lead'?",
        ),
        (
            "alerts/brand.yaml",
            "severity: info\ntitel: {sv: T, en: T}\ntext: {sv: T, en: T}\n",
            "titel: unknown field; did you mean 'title'?",
        ),
        (
            "search.yaml",
            "synonymer:\n  sv: [[eld, brand]]\n",
            "synonymer: unknown field; did you mean 'synonyms'?",
        ),
        (
            "search.yaml",
            "synonyms:\n  sw: [[eld, brand]]\n",
            "synonyms.sw: unknown field; the fields here are ar, en, fi, se, sv",
        ),
        (
            "articles/nyhet.sv.md",
            f"---\ntitle: R\n{FRONT}x9q: 1\n---\nT\n",
            "x9q: unknown field; the fields here are",
        ),
    ],
)
def test_an_unknown_field_is_refused_with_the_nearest_known_name(content_tree, name, text, problem):
    content_tree.write(name, text)
    assert any(str(p).startswith(f"content/{name}: {problem}") for p in content_tree.load().problems)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("site.yaml", "namn: {sv: M, en: M}\n", "namn: unknown field; did you mean 'name'?"),
        (
            "topics/vatten.yaml",
            "name: {sv: V, en: W}\ndescriptoin: {sv: V, en: W}\n",
            "descriptoin: unknown field; did you mean 'description'?",
        ),
        (
            "partners/smhi.yaml",
            "name: {sv: S, en: S}\nwebbplats: https://smhi.se\n",
            "webbplats: unknown field",
        ),
    ],
)
def test_an_unknown_field_in_site_topics_or_partners_stops_the_build(content_tree, name, text, problem):
    if name == "site.yaml":
        text = (content_tree.root / "site.yaml").read_text() + text
    content_tree.write(name, text)
    with pytest.raises(ContentError, match=f"content/{name}: {problem}"):
        content_tree.load()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"published": "2024-05-02"}, "published: write the time too, like 2024-05-02 09:30"),
        (
            {"withdrawn": "{date: 2024-06-01, reason: Fel.}"},
            "withdrawn.date: write the time too, like 2024-06-01 09:30",
        ),
        (
            {"published": "2024-02-30 09:00"},
            "published: '2024-02-30 09:00' is not a date; write it as YYYY-MM-DD HH:MM",
        ),
        ({"published": "02/05/2024 09:30"}, "published: '02/05/2024 09:30' is not a date"),
    ],
)
def test_a_date_without_a_time_is_refused_where_an_embargo_depends_on_it(content_tree, fields, problem):
    # An embargo that lifts at midnight because the time was forgotten publishes news hours early.
    content_tree.article("nyhet", **fields)
    content = content_tree.load()
    assert content.articles == [] and problem in str(content.problems[0])


def test_a_date_without_a_time_is_midnight_where_nothing_waits_for_it(content_tree):
    content_tree.article("nyhet", updated="2024-05-03", changes="[{date: 2024-05-03, note: Rättat.}]")
    content_tree.write("pages/om.sv.md", "---\ntitle: Om oss\nupdated: 2024-05-03\n---\nText\n")
    content = content_tree.load()
    assert content.problems == ()
    assert content.articles[0].updated_at.isoformat() == "2024-05-02T22:00:00+00:00"
    assert content.pages[0].updated_at.isoformat() == "2024-05-02T22:00:00+00:00"


def test_a_value_quoted_in_a_message_cannot_reach_the_terminal_as_an_escape(content_tree):
    content_tree.article("nyhet", topics='["\\e[31mröd"]')
    [problem] = content_tree.load().problems
    assert (
        "\x1b" not in problem.message
        and "unknown topic '\N{REPLACEMENT CHARACTER}[31mröd'" in problem.message
    )
