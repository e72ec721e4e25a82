"""Builds: a new build goes live atomically; broken content never replaces a good build."""

from __future__ import annotations

import os
import pickle

import pytest
from whoosh import index

from bench.corpus import write_corpus
from tests.conftest import LABEL, make_app
from webapp.build import BuildWriter, write_build
from webapp.content import ContentError, ContentLoader, load_content
from webapp.content.cache import CachedArticle, full_article
from webapp.live import LiveBuild, open_build
from webapp.search import ArticleQuery, whoosh_index_writer


def build(tree, builds):
    return write_build(load_content(tree.root, LABEL), builds)


def test_a_build_goes_live_and_readers_see_the_new_one_without_restart(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("forsta")
    build(content_tree, builds)
    live = LiveBuild(builds)
    assert live.get().search.article("sv", "forsta").title == "Rubrik forsta sv"
    assert live.get().search.article("sv", "andra") is None

    content_tree.article("andra")
    second = build(content_tree, builds)
    assert os.readlink(builds / "current") == second.name
    assert live.get().search.article("sv", "andra").title == "Rubrik andra sv"


def test_a_broken_article_is_left_out_and_named_while_the_rest_is_published(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("forsta")
    build(content_tree, builds)
    content_tree.article("andra")
    content_tree.article("trasig", published="inte ett datum")
    content = load_content(content_tree.root, LABEL)
    assert [problem.path for problem in content.problems] == ["content/articles/trasig.sv.md"]
    assert content.problems[0].field == "published"
    write_build(content, builds)
    live = LiveBuild(builds).get()
    assert live.search.article("sv", "andra").title == "Rubrik andra sv"
    assert live.search.article("sv", "trasig") is None


def test_a_broken_site_file_fails_before_anything_is_switched(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("forsta")
    good = build(content_tree, builds)
    content_tree.write("topics/trasig.yaml", "namn: [inte stängd\n")
    with pytest.raises(ContentError, match="topics/trasig.yaml"):
        build(content_tree, builds)
    assert os.readlink(builds / "current") == good.name
    assert not list(builds.glob(".partial-*"))


def test_old_builds_are_pruned_but_the_live_one_is_kept(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("forsta")
    made = [write_build(load_content(content_tree.root, LABEL), builds, keep=2) for _ in range(4)]
    remaining = sorted(p.name for p in builds.iterdir() if p.is_dir() and not p.is_symlink())
    assert remaining == [made[2].name, made[3].name]


def test_the_cli_names_each_problem_and_a_broken_site_file_keeps_the_live_build(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("forsta")
    app = make_app(builds, CONTENT_DIR=content_tree.root)
    ok = app.test_cli_runner().invoke(args=["build"])
    assert ok.exit_code == 0, ok.output
    assert "Built 1 article versions" in ok.output
    live = os.readlink(builds / "current")

    content_tree.article("andra")
    content_tree.article("trasig", topics="[okant-amne]")
    partly = app.test_cli_runner().invoke(args=["build"])
    assert partly.exit_code == 0, partly.output
    assert "  content/articles/trasig.sv.md\n    - topics: unknown topic 'okant-amne'" in partly.output
    assert "The file is not published until this is fixed." in partly.output
    assert "Built 2 article versions" in partly.output
    assert os.readlink(builds / "current") != live

    content_tree.write("site.yaml", "name: [inte stängd\n")
    failed = app.test_cli_runner().invoke(args=["build"])
    assert failed.exit_code != 0
    assert "content/site.yaml" in failed.output
    assert "keeps serving the last good build" in failed.output


def test_a_brand_colour_with_too_little_contrast_is_refused(content_tree):
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + 'brand_colour: "#6fa8dc"\n')
    with pytest.raises(ContentError, match="brand_colour: '#6fa8dc' gives white text a contrast of only"):
        content_tree.load()


def test_without_any_build_readers_get_a_clear_503(tmp_path):
    response = make_app(tmp_path / "empty").test_client().get("/sv/")
    assert response.status_code == 503
    assert "Nyheterna är inte tillgängliga just nu" in response.get_data(as_text=True)


def test_a_rebuild_reads_only_changed_files_and_notices_every_change(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a", body="Första versionen. [Intern länk](https://news.example.se/sv/)")
    content_tree.article("b")
    first = load_content(content_tree.root, LABEL, cache_dir=cache)
    # One pack of parsed articles, and the manifest in two parts.
    assert sorted(file.suffix for file in cache.iterdir()) == [".pack", ".pickle", ".pickle"]
    again = load_content(content_tree.root, LABEL, cache_dir=cache).articles
    assert all(isinstance(article, CachedArticle) for article in again)  # nothing parsed or read
    assert [full_article(article) for article in again] == first.articles
    assert 'class="external"' not in first.articles[0].body_html

    content_tree.article("b", body="Andra versionen, längre än den första.")
    changed = {a.key: a for a in load_content(content_tree.root, LABEL, cache_dir=cache).articles}
    assert "Andra versionen" in changed["b"].body_html
    # A change outside the article (the site's own address) is a change to every article:
    # the link in "a" now leaves the site, although a's file is untouched.
    site = (content_tree.root / "site.yaml").read_text().replace("news.example.se", "nyheter.example.org")
    content_tree.write("site.yaml", site)
    linked = {a.key: a for a in load_content(content_tree.root, LABEL, cache_dir=cache).articles}
    assert 'class="external"' in linked["a"].body_html


def test_an_article_whose_cache_file_vanished_is_read_from_its_source(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a", title="Rubriken")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    for file in cache.glob("*.pack"):
        file.unlink()
    (article,) = load_content(content_tree.root, LABEL, cache_dir=cache).articles
    assert full_article(article).title == "Rubriken"


def test_a_broken_edit_is_reported_every_load_and_its_last_good_version_stays(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a", title="Rubriken")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    content_tree.article("a", title=None, body="Den trasiga ändringen.")
    for _ in range(2):  # the cache never hides the problem on a later load
        content = load_content(content_tree.root, LABEL, cache_dir=cache)
        assert [(problem.path, problem.field) for problem in content.problems] == [
            ("content/articles/a.sv.md", "title")
        ]
        (article,) = content.articles
        assert full_article(article).title == "Rubriken"


def test_a_few_changes_are_remembered_without_rewriting_the_whole_manifest(content_tree, tmp_path):
    cache = tmp_path / "cache"
    for number in range(50):
        content_tree.article(f"a{number}")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    main = (cache / "manifest.pickle").read_bytes()
    content_tree.article("a3", title="Ny rubrik")
    (content_tree.root / "articles" / "a7.sv.md").unlink()
    load_content(content_tree.root, LABEL, cache_dir=cache)
    assert (cache / "manifest.pickle").read_bytes() == main  # only the small file was written
    again = {
        article.key: article for article in load_content(content_tree.root, LABEL, cache_dir=cache).articles
    }
    assert all(isinstance(article, CachedArticle) for article in again.values())
    assert full_article(again["a3"]).title == "Ny rubrik" and "a7" not in again and len(again) == 49
    assert len(list(cache.glob("*.pack"))) == 2  # the first load's, and the change's


def test_packs_no_article_is_read_from_any_more_are_deleted(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    (first,) = cache.glob("*.pack")
    content_tree.article("a", title="Ny rubrik")
    (article,) = load_content(content_tree.root, LABEL, cache_dir=cache).articles
    assert not first.exists() and len(list(cache.glob("*.pack"))) == 1  # its only article changed
    (again,) = load_content(content_tree.root, LABEL, cache_dir=cache).articles
    assert isinstance(again, CachedArticle) and full_article(again) == article


def _open_packs() -> list[str]:
    """The packs this process holds open (a deleted one keeps its disk space until closed)."""
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:  # the listing's own descriptor, closed by now
            continue
    return [link for link in links if ".pack" in link]


def test_a_pack_read_from_is_closed_when_the_cache_is_saved(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    loader = ContentLoader(content_tree.root, LABEL, cache_dir=cache)
    (article,) = loader.load().articles
    assert full_article(article, keep=False).title == "Rubrik a sv"  # read from its pack
    assert len(_open_packs()) == 1
    loader.apply([content_tree.article("a", title="Ny rubrik")])  # saved: the old pack goes
    assert _open_packs() == []


def test_edits_followed_by_one_loader_are_appended_to_one_pack(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("a")
    content_tree.article("b")
    loader = ContentLoader(content_tree.root, LABEL, cache_dir=cache)
    loader.load()
    for number in range(3):  # as `flask build --watch` applies saves
        path = content_tree.article("a", title=f"Rubrik {number}")
        content = loader.apply([path])
    assert len(list(cache.glob("*.pack"))) == 1
    again = ContentLoader(content_tree.root, LABEL, cache_dir=cache).load()
    titles = sorted(full_article(article).title for article in again.articles)
    assert titles == sorted(article.title for article in content.articles) and "Rubrik 2" in titles


@pytest.fixture(params=[True, False], ids=["by the same writer", "in a new process"])
def rebuild(request):
    """Builds as `flask build --watch` does (one BuildWriter: the index's state handed on
    in memory) or as a new process does each time (the state read back from the live build)."""
    writers: dict = {}

    def again(tree, builds, **options):
        content = load_content(tree.root, LABEL)
        if not request.param:
            return write_build(content, builds, **options)
        return writers.setdefault(builds, BuildWriter(builds)).write(content, **options)

    return again


def watery(tree, builds, write=build):
    """A built tree of ten articles about water."""
    for key in "abcdefghij":
        tree.article(key, body="Om vatten.")
    write(tree, builds)


def test_an_edit_is_indexed_alone_and_its_new_words_are_suggested(content_tree, tmp_path, rebuild):
    builds = tmp_path / "builds"
    watery(content_tree, builds, rebuild)
    content_tree.article("b", body="Om kraftverket.")  # sorts among the words, not after them
    indexed = []
    path = rebuild(content_tree, builds, progress=indexed.append)
    assert indexed == [1]
    search = open_build(path).search
    typo = search.list_articles(ArticleQuery(lang="sv", text="kraftvreket"))
    assert typo.corrected == "kraftverket" and [article.key for article in typo.articles] == ["b"]
    found = search.list_articles(ArticleQuery(lang="sv", text="kraftverket"))
    assert [article.key for article in found.articles] == ["b"]
    assert search.list_articles(ArticleQuery(lang="sv", text="vatten")).total == 9
    # Builds are the same for the same content (several machines may each build it).
    afresh = write_build(load_content(content_tree.root, LABEL), builds, full=True)
    vocabulary = "index/vocabulary.json"
    assert (path / vocabulary).read_bytes() == (afresh / vocabulary).read_bytes()


def test_an_edits_compounds_are_split_against_the_whole_corpus(content_tree, tmp_path, rebuild):
    builds = tmp_path / "builds"
    content_tree.article("verk", body="Ett kraftverk.")
    watery(content_tree, builds, rebuild)
    content_tree.article("b", body="Om havskraftverken.")  # an inflected tail: known by its stem
    search = open_build(rebuild(content_tree, builds)).search
    found = search.list_articles(ArticleQuery(lang="sv", text="kraftverken"))
    assert {article.key for article in found.articles} == {"b", "verk"}


def test_compounds_are_split_against_words_new_in_the_same_edit(content_tree, tmp_path, rebuild):
    builds = tmp_path / "builds"
    watery(content_tree, builds, rebuild)
    content_tree.article("verk", body="Ett kraftverk.")  # a word the corpus did not have
    content_tree.article("b", body="Om havskraftverken.")  # its inflected form as a tail
    search = open_build(rebuild(content_tree, builds)).search
    found = search.list_articles(ArticleQuery(lang="sv", text="kraftverken"))
    assert {article.key for article in found.articles} == {"b", "verk"}
    again = open_build(rebuild(content_tree, builds, full=True)).search  # the same as from scratch
    assert again.list_articles(ArticleQuery(lang="sv", text="kraftverken")).total == 2


def test_the_stems_are_saved_again_only_when_there_are_new_words(content_tree, tmp_path, rebuild):
    builds = tmp_path / "builds"
    watery(content_tree, builds, rebuild)
    stems = builds / "current" / "index" / "stems.pickle"
    first = stems.stat().st_ino
    content_tree.article("b", body="Vatten om.")  # the same words: the file is the last build's
    rebuild(content_tree, builds)
    assert stems.stat().st_ino == first
    content_tree.article("b", body="Om kraftverket.")
    rebuild(content_tree, builds)
    assert stems.stat().st_ino != first


def test_a_change_goes_live_first_and_the_index_is_tidied_by_the_next_build(content_tree, tmp_path):
    builds = tmp_path / "builds"
    for number in range(30):
        content_tree.article(f"a{number}")
    build(content_tree, builds)
    for number in range(6):  # what `flask build --watch` does on each save
        content_tree.article(f"a{number}", title=f"Ny rubrik {number}")
        untidy = write_build(load_content(content_tree.root, LABEL), builds, tidy=False)
    tidied = write_build(load_content(content_tree.root, LABEL), builds)  # and when idle

    def segments_and_titles(path):
        search = open_build(path).search
        titles = sorted(a.title for a in search.list_articles(ArticleQuery(lang="sv", page_size=50)).articles)
        return len(search._searcher.reader().leaf_readers()), titles

    untidy_segments, untidy_titles = segments_and_titles(untidy)
    tidy_segments, tidy_titles = segments_and_titles(tidied)
    assert untidy_segments == 7  # one per save
    assert tidy_segments < untidy_segments
    assert untidy_titles == tidy_titles and "Ny rubrik 5" in tidy_titles


def _indexed(index_dir) -> tuple[dict, dict]:
    """Every term of every field -> the ids, weights and field lengths of its documents;
    and every stored article by id."""
    with index.open_dir(str(index_dir)).searcher() as searcher:
        reader = searcher.reader()
        stored = {fields["id"]: pickle.loads(fields["article"]) for _, fields in reader.iter_docs()}
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for field, term in reader.all_terms():
            found = reader.postings(field, term).items_as("weight")
            postings[field, term] = sorted(
                (ids[doc], weight, reader.doc_field_length(doc, field)) for doc, weight in found
            )
        return postings, stored


@pytest.mark.slow  # 1,100 articles built twice
def test_a_full_build_on_every_core_indexes_what_one_process_does(tmp_path, monkeypatch):
    """Each process of a large full build learns only its share's words before splitting
    compounds against the words of all of them (a second pass), and reads its articles
    from the packs the loader's processes wrote; one process has all, parsed in memory."""
    write_corpus(1100, tmp_path / "content")
    packed = load_content(tmp_path / "content", LABEL, cache_dir=tmp_path / "cache")
    assert len(packed.articles) >= whoosh_index_writer.PARALLEL_BUILD_FROM
    assert all(isinstance(article, CachedArticle) for article in packed.articles)
    parallel = write_build(packed, tmp_path / "parallel")
    monkeypatch.setattr(whoosh_index_writer, "PARALLEL_BUILD_FROM", len(packed.articles) + 1)
    alone = write_build(load_content(tmp_path / "content", LABEL), tmp_path / "alone")
    (by_all, stored_by_all), (by_one, stored_by_one) = _indexed(parallel / "index"), _indexed(alone / "index")
    assert any(field == "parts_sv" for field, _ in by_one)
    assert by_all == by_one
    assert stored_by_all == stored_by_one
    vocabulary, stems = "index/vocabulary.json", "index/stems.pickle"
    assert (parallel / vocabulary).read_bytes() == (alone / vocabulary).read_bytes()
    assert pickle.loads((parallel / stems).read_bytes()) == pickle.loads((alone / stems).read_bytes())


def test_a_build_that_stored_the_articles_themselves_is_still_served(demo_content, tmp_path, monkeypatch):
    """Builds written before the index stored each article's pickle held the Article
    itself: a worker on the new code serves such a live build until the next one."""
    monkeypatch.setattr(whoosh_index_writer, "pickled_article", lambda article: (full_article(article),) * 2)
    search = open_build(write_build(demo_content, tmp_path / "builds")).search
    article = full_article(demo_content.articles[0])
    assert search.article(article.lang, article.slug) == article
    found = search.list_articles(ArticleQuery(lang=article.lang, text=article.title))
    assert article in found.articles


def test_a_build_says_what_is_scheduled_and_which_drafts_wait_with_their_links(content_tree, tmp_path):
    app = make_app(tmp_path / "builds", CONTENT_DIR=content_tree.root, PREVIEW_SECRET="w" * 40)
    content_tree.article("ute")
    quiet = app.test_cli_runner().invoke(args=["build"])
    assert "Scheduled: public by themselves at their time: none" in quiet.output
    content_tree.article("snart", title="Pressmeddelande", published="2099-01-01 08:00")
    content_tree.article("utkast", title="Ett utkast", draft="true")
    content_tree.article("ute", withdrawn="{date: 2025-03-01 10:00, reason: Fel siffror.}")
    said = app.test_cli_runner().invoke(args=["build"]).output
    scheduled, drafts = said.split("Scheduled")[1].split("Drafts: not public")
    drafts, withdrawn = drafts.split("Withdrawn")
    assert "2099-01-01 08:00  content/articles/snart.sv.md  Pressmeddelande" in scheduled
    assert "/sv/preview/" in scheduled and "/sv/preview/" in drafts  # links for this build
    assert "content/articles/utkast.sv.md  Ett utkast" in drafts
    # Withdrawn news: the watcher lists it (tests/web/test_watcher_process.py); a one-off
    # build points to the report, which reads every article for it.
    assert withdrawn.startswith(": see flask --app webapp content status")


def test_a_full_build_parses_everything_again_and_keeps_a_broken_files_last_good_version(
    content_tree, tmp_path
):
    builds = tmp_path / "builds"
    app = make_app(builds, CONTENT_DIR=content_tree.root, CACHE_DIR=tmp_path / "cache")
    content_tree.article("a", title="Rubriken")
    content_tree.article("b", title="Andra")
    assert app.test_cli_runner().invoke(args=["build"]).exit_code == 0
    content_tree.article("a", title=None, body="Den trasiga ändringen.")
    full = app.test_cli_runner().invoke(args=["build", "--full"])
    assert full.exit_code == 0, full.output
    assert "content/articles/a.sv.md\n    - title: is missing" in full.output
    assert "The last good version stays published until this is fixed." in full.output
    live = LiveBuild(builds).get().search
    assert live.article("sv", "a").title == "Rubriken" and live.article("sv", "b").title == "Andra"
