"""Staff commands of the publishing life: the report, preview links, and a web worker that
never loads the content parsers."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from tests.conftest import make_app
from webapp.build import write_build
from webapp.config import PROJECT_ROOT

SECRET = "p" * 40


def _app(content_tree, tmp_path, **config):
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    return make_app(builds, CONTENT_DIR=content_tree.root, NOW=datetime(2026, 1, 1, tzinfo=UTC), **config)


def test_the_preview_command_prints_a_link_that_opens_the_draft(content_tree, tmp_path):
    content_tree.article("utkast", title="Utkast till pressmeddelande", draft="true")
    app = _app(content_tree, tmp_path, PREVIEW_SECRET=SECRET)
    result = app.test_cli_runner().invoke(args=["content", "preview", "utkast", "sv"])
    assert result.exit_code == 0, result.output
    link = result.output.split()[0]
    assert link.startswith("https://news.example.se/sv/preview/")
    page = app.test_client().get(link.removeprefix("https://news.example.se"))
    assert page.status_code == 200 and "Utkast till pressmeddelande" in page.get_data(as_text=True)


def test_the_preview_command_refuses_without_a_secret_and_names_the_setting(content_tree, tmp_path):
    content_tree.article("utkast", draft="true")
    result = _app(content_tree, tmp_path).test_cli_runner().invoke(args=["content", "preview", "utkast"])
    assert result.exit_code != 0 and "NEWS_PREVIEW_SECRET" in result.output
    assert "Traceback" not in result.output


def test_the_status_report_lists_scheduled_drafts_withdrawn_and_problems(content_tree, tmp_path):
    content_tree.article("snart", title="Snart ute", published="2026-06-01 08:00")
    content_tree.article("utkast", title="Ett utkast", draft="true")
    content_tree.article("indraget", withdrawn="{date: 2025-03-01 10:00, reason: Fel siffror.}")
    content_tree.article("ute", title="Redan ute")
    app = _app(content_tree, tmp_path, PREVIEW_SECRET=SECRET)
    content_tree.write("articles/trasig.sv.md", "---\ntitle: Dags: nu\n---\nText\n")
    result = app.test_cli_runner().invoke(args=["content", "status"])
    assert result.exit_code == 0, result.output
    report = result.output
    scheduled = report.split("Scheduled")[1].split("Drafts")[0]
    assert "2026-06-01 08:00" in scheduled and "Snart ute" in scheduled and "Redan ute" not in scheduled
    link = next(word for word in scheduled.split() if "/sv/preview/" in word)  # checked before its time
    page = app.test_client().get(link.removeprefix("https://news.example.se"))
    assert page.status_code == 200 and "Snart ute" in page.get_data(as_text=True)
    drafts = report.split("Drafts")[1].split("Withdrawn")[0]
    assert "Ett utkast" in drafts and "/sv/preview/" in drafts
    assert "Fel siffror." in report.split("Withdrawn")[1]
    problems = report.split("Problems")[1]
    assert "articles/trasig.sv.md" in problems and "double quotes" in problems


def test_a_web_worker_never_imports_the_content_parsers_or_the_build_writer(content_tree, tmp_path):
    """A worker that served an article and a search has read the build's index, never
    content files: none of their parsers, the watcher or the writers of builds is loaded.
    (PyYAML is: a worker reads the site's languages from site.yaml when it starts.)"""
    content_tree.article("vatten", title="Vatten i sjön")
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    code = (
        "import sys; from webapp import create_app; client = create_app().test_client(); "
        "statuses = [client.get(path).status_code for path in ('/sv/news/vatten', '/sv/search?q=vatten')]; "
        "print(statuses, sorted(m for m in sys.modules if m.split('.')[0] in "
        "('frontmatter', 'markdown_it', 'cmarkgfm', 'nh3', 'watchfiles') "
        "or m in ('webapp.content.loader', 'webapp.content.yaml_reading', 'webapp.build', "
        "'webapp.search.whoosh_index_writer', "
        "'webapp.search.whoosh_writing')))"
    )
    environment = {**os.environ, "NEWS_BUILDS_DIR": str(builds), "NEWS_CONTENT_DIR": str(content_tree.root)}
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert found.stdout.strip() == "[200, 200] []"
