"""Sitemaps written with a build: exactly what the index lists at build time, split at the
protocol's limits, with language alternates, and a rebuild that writes only what changed."""

from __future__ import annotations

import dataclasses
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from tests.conftest import ContentTree
from webapp import sitemaps
from webapp.build import write_build
from webapp.live import open_build
from webapp.search import ArticleQuery

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://news.example.se"


def read_urls(build_dir) -> dict[str, dict[str, str]]:
    """Every <url> in the build's article files: address -> {hreflang: href}."""
    urls = {}
    for path in sorted((build_dir / "sitemaps").glob("sitemap-articles-*.xml")):
        for url in ET.parse(path).getroot().findall(f"{NS}url"):
            links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
            urls[url.find(f"{NS}loc").text] = links
    return urls


def index_locations(build_dir) -> list[str]:
    root = ET.parse(build_dir / "sitemaps" / sitemaps.INDEX_NAME).getroot()
    assert root.tag == f"{NS}sitemapindex"
    return [entry.find(f"{NS}loc").text for entry in root.findall(f"{NS}sitemap")]


@pytest.fixture
def life_tree(content_tree: ContentTree) -> ContentTree:
    """Live articles in two years (one in both languages), a draft, a withdrawn version
    beside a live translation, and a scheduled article."""
    content_tree.article("both", published="2024-05-02 09:30")
    content_tree.article("both", lang="en", published="2024-05-02 09:30", updated="2024-06-01 10:00")
    content_tree.article("only-sv", published="2023-03-01 08:00")
    content_tree.article("draft", draft="true")
    content_tree.article("half", published="2024-02-01 08:00")
    content_tree.article(
        "half", lang="en", published="2024-02-01 08:00", withdrawn="{date: 2024-03-01 10:00, reason: Fel.}"
    )
    content_tree.article("later", published="2039-01-01 08:00")
    return content_tree


def test_the_files_list_what_the_index_lists_at_build_time(life_tree, tmp_path):
    build_dir = write_build(life_tree.load(), tmp_path / "builds")
    build = open_build(build_dir)
    written = sitemaps.listed_at(build)
    listed = set()
    for lang in ("sv", "en"):
        found = build.search.list_articles(ArticleQuery(lang=lang, page_size=1000, now=written))
        listed |= {BASE + sitemaps.article_path(a.lang, a.slug) for a in found.articles}
    assert set(read_urls(build_dir)) == listed
    assert listed == {
        f"{BASE}/sv/news/both",
        f"{BASE}/en/news/both",
        f"{BASE}/sv/news/only-sv",
        f"{BASE}/sv/news/half",
    }


def test_versions_name_each_other_and_only_listed_ones(life_tree, tmp_path):
    urls = read_urls(write_build(life_tree.load(), tmp_path / "builds"))
    both = {"sv": f"{BASE}/sv/news/both", "en": f"{BASE}/en/news/both"}
    assert urls[both["sv"]] == both and urls[both["en"]] == both
    assert urls[f"{BASE}/sv/news/half"] == {}  # its English version is withdrawn
    assert urls[f"{BASE}/sv/news/only-sv"] == {}


def test_last_change_and_the_index(life_tree, tmp_path):
    build_dir = write_build(life_tree.load(), tmp_path / "builds")
    year = ET.parse(build_dir / "sitemaps" / "sitemap-articles-2024.xml").getroot()
    lastmods = {u.find(f"{NS}loc").text: u.find(f"{NS}lastmod").text for u in year.findall(f"{NS}url")}
    # "2024-06-01 10:00" in Stockholm is 08:00 UTC.
    assert lastmods[f"{BASE}/en/news/both"] == "2024-06-01T08:00:00Z"
    assert index_locations(build_dir) == [
        f"{BASE}/sitemap-pages.xml",
        f"{BASE}/sitemap-articles-2024.xml",
        f"{BASE}/sitemap-articles-2023.xml",
        f"{BASE}/sitemap-recent.xml",
    ]


def test_files_are_split_at_the_url_and_byte_limits(content_tree, tmp_path):
    for number in range(7):
        content_tree.article(f"n{number}", published=f"2024-05-0{number + 1} 09:30")
    content = content_tree.load()
    at = datetime.now(UTC)
    by_count = tmp_path / "by-count"
    by_count.mkdir()
    names = sitemaps.write_sitemaps(by_count, content, at, max_urls=3)
    assert [n for n in names if "articles" in n] == [
        "sitemap-articles-2024.xml",
        "sitemap-articles-2024-2.xml",
        "sitemap-articles-2024-3.xml",
    ]
    counts = [
        len(ET.parse(by_count / "sitemaps" / n).getroot().findall(f"{NS}url"))
        for n in names
        if "articles" in n
    ]
    assert counts == [3, 3, 1]
    assert len(read_urls(by_count)) == 7
    assert index_locations(by_count)[1:4] == [f"{BASE}/{n}" for n in names[1:4]]
    by_size = tmp_path / "by-size"
    by_size.mkdir()
    limit = 600
    names = sitemaps.write_sitemaps(by_size, content, at, max_bytes=limit)
    assert len([n for n in names if "articles" in n]) > 1
    for name in names:
        if "articles" in name:
            assert (by_size / "sitemaps" / name).stat().st_size <= limit
    assert len(read_urls(by_size)) == 7
    assert all(sitemaps.FILE_NAME.match(name) for name in names)


def test_a_rebuild_writes_only_the_years_that_changed(life_tree, tmp_path):
    builds = tmp_path / "builds"
    first = write_build(life_tree.load(), builds)
    life_tree.article("both", lang="en", published="2024-05-02 09:30", updated="2024-07-01 10:00")
    second = write_build(life_tree.load(), builds)

    def inode(build, name):
        return os.stat(build / "sitemaps" / name).st_ino

    assert inode(first, "sitemap-articles-2023.xml") == inode(second, "sitemap-articles-2023.xml")
    assert inode(first, "sitemap-articles-2024.xml") != inode(second, "sitemap-articles-2024.xml")
    assert "2024-07-01T08:00:00Z" in (second / "sitemaps" / "sitemap-articles-2024.xml").read_text()
    # A full build trusts nothing of the last one.
    third = write_build(life_tree.load(), builds, full=True)
    assert inode(second, "sitemap-articles-2023.xml") != inode(third, "sitemap-articles-2023.xml")
    assert read_urls(third) == read_urls(second)


def test_the_watchers_quick_build_carries_the_files_and_the_moment_they_list(life_tree, tmp_path):
    builds = tmp_path / "builds"
    first = write_build(life_tree.load(), builds)
    life_tree.article("new", published="2024-08-01 08:00")
    quick = write_build(life_tree.load(), builds, tidy=False)
    assert sitemaps.listed_at(open_build(quick)) == sitemaps.listed_at(open_build(first))
    assert f"{BASE}/sv/news/new" not in read_urls(quick)  # until the tidy build
    tidy = write_build(life_tree.load(), builds)
    assert sitemaps.listed_at(open_build(tidy)) > sitemaps.listed_at(open_build(first))
    assert f"{BASE}/sv/news/new" in read_urls(tidy)


def test_a_rebuild_without_the_last_builds_manifest_reads_the_articles_again(life_tree, tmp_path):
    builds = tmp_path / "builds"
    first = write_build(life_tree.load(), builds)
    (first / sitemaps.MANIFEST_FILE).write_bytes(b"not a pickle")
    second = write_build(life_tree.load(), builds)  # a new writer, as a new process has
    assert read_urls(second) == read_urls(first)


def test_list_pages_are_listed_in_every_language(life_tree, tmp_path):
    build_dir = write_build(life_tree.load(), tmp_path / "builds")
    root = ET.parse(build_dir / "sitemaps" / sitemaps.PAGES_NAME).getroot()
    locations = [u.find(f"{NS}loc").text for u in root.findall(f"{NS}url")]
    for lang in ("sv", "en"):
        for path in ("/topics/", "/partners/", "/topics/klimat", "/partners/chalmers"):
            assert f"{BASE}/{lang}{path}" in locations


def test_media_are_copied_without_following_links(content_tree, tmp_path):
    images = content_tree.root / "images"
    (images / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    (images / "linked.png").symlink_to(secret)
    (images / "folder").symlink_to(tmp_path)
    content = content_tree.load()
    sources = {
        "logo.png": str(images / "logo.png"),
        "linked.png": str(images / "linked.png"),
        "folder/secret.txt": str(images / "folder" / "secret.txt"),
        "../outside.png": str(images / "logo.png"),
    }
    build_dir = write_build(dataclasses.replace(content, images=sources), tmp_path / "builds")
    copied = sorted(str(p.relative_to(build_dir / "media")) for p in (build_dir / "media").rglob("*"))
    assert "logo.png" in copied and "linked.png" not in copied
    assert not (build_dir / "outside.png").exists()
    assert not any(p.is_symlink() for p in (build_dir / "media").rglob("*"))
