"""A build's index says what wrote it: a worker on other code (another Whoosh, index format
or codec path) refuses it with the remedy instead of misreading it, and the next build
rebuilds it whole."""

from __future__ import annotations

import json

import pytest

from tests.conftest import LABEL, make_app
from webapp.build import write_build
from webapp.content import load_content
from webapp.live import open_build
from webapp.search import ArticleQuery, SearchError, whoosh_format
from webapp.search.whoosh_format import MADE_WITH_FILE, made_with


def test_the_codec_path_pickled_into_every_index_stays_where_it_is(content_tree, tmp_path):
    """Whoosh pickles the codec's import path into the index's table of segments: moving
    or renaming the class would make every live build unreadable."""
    assert made_with()["codec"] == "webapp.search.whoosh_arrays.ArrayBlocksCodec"
    content_tree.article("a")
    build = write_build(load_content(content_tree.root, LABEL), tmp_path / "builds")
    tables = list((build / "index").glob("*.toc"))
    assert tables and all(b"webapp.search.whoosh_arrays" in table.read_bytes() for table in tables)
    assert b"ArrayBlocksCodec" in tables[0].read_bytes()


@pytest.mark.parametrize("field", ["whoosh", "index_format", "codec"])
def test_an_index_written_by_other_code_is_refused_with_the_remedy(content_tree, tmp_path, field):
    content_tree.article("a")
    builds = tmp_path / "builds"
    build = write_build(load_content(content_tree.root, LABEL), builds)
    record = build / "index" / MADE_WITH_FILE
    written = json.loads(record.read_text())
    assert written == made_with()
    record.write_text(json.dumps({**written, field: "other"}))
    with pytest.raises(SearchError, match=f"{field} 'other'.*flask --app webapp build --full"):
        open_build(build)
    response = make_app(builds).test_client().get("/sv/")  # readers: the localized 503
    assert response.status_code == 503 and "Försök igen om några minuter" in response.get_data(as_text=True)


def test_the_build_after_one_by_other_code_indexes_everything_again(content_tree, tmp_path, monkeypatch):
    for key in "abc":
        content_tree.article(key)
    builds = tmp_path / "builds"
    monkeypatch.setattr(whoosh_format, "INDEX_FORMAT", "older")
    write_build(load_content(content_tree.root, LABEL), builds)
    monkeypatch.undo()
    with pytest.raises(SearchError, match="index_format 'older'"):
        open_build(builds / "current")
    indexed = []
    again = write_build(load_content(content_tree.root, LABEL), builds, progress=indexed.append)
    assert sum(indexed) == 3  # none of the other code's index was kept
    keys = [a.key for a in open_build(again).search.list_articles(ArticleQuery(lang="sv")).articles]
    assert sorted(keys) == ["a", "b", "c"]
    unchanged = []
    write_build(load_content(content_tree.root, LABEL), builds, progress=unchanged.append)
    assert sum(unchanged) == 0  # while a build by the same code is reused


def test_a_build_made_before_the_record_was_kept_is_still_opened(content_tree, tmp_path):
    content_tree.article("a")
    build = write_build(load_content(content_tree.root, LABEL), tmp_path / "builds")
    (build / "index" / MADE_WITH_FILE).unlink()
    assert open_build(build).search.article("sv", "a").title == "Rubrik a sv"
