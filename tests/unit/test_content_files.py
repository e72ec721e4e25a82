"""Only regular files inside content/ are read, never through a symbolic link, and only
images that are what their names say, and that some content shows, are published."""

from __future__ import annotations

import base64
import os

import pytest

from tests.conftest import LABEL
from webapp.content import ContentError, ContentLoader

SYMLINK = "is a symbolic link; symbolic links are not published"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>'


def problems_by_path(content) -> dict[str, str]:
    return {problem.path: problem.message for problem in content.problems}


def link(content_tree, relative: str, target) -> None:
    path = content_tree.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("articles/passwd.sv.md", "/etc/passwd"),
        ("articles/2024/utanfor.sv.md", "OUTSIDE"),  # a file outside content/
        ("articles/2024/inne.sv.md", "INSIDE"),  # even one inside content/
        ("articles/share", "/usr/share"),  # a folder
        ("articles/loop.sv.md", "loop.sv.md"),  # a link to itself
    ],
)
def test_a_symbolic_link_among_the_articles_is_reported_and_never_followed(
    content_tree, tmp_path, name, target
):
    outside = tmp_path / "hemlig.sv.md"
    outside.write_text(
        "---\ntitle: Hemlig\nlead: x\npublished: 2024-05-02 09:30\ntopics: [klimat]\n---\nHemligt\n"
    )
    inside = content_tree.article("bra")
    target = {"OUTSIDE": outside, "INSIDE": inside}.get(target, target)
    link(content_tree, name, target)
    content = content_tree.load()
    assert [article.key for article in content.articles] == ["bra"]
    assert problems_by_path(content) == {
        f"content/{name}": f"{SYMLINK}. The file is not published until this is fixed."
    }


def test_a_symbolic_link_to_the_articles_folder_itself_is_not_followed(content_tree, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.sv.md").write_text("---\ntitle: x\n---\nx\n")
    link(content_tree, "articles", elsewhere)
    content = content_tree.load()
    assert content.articles == [] and problems_by_path(content)["content/articles"].startswith(SYMLINK)


def test_a_watched_edit_that_makes_an_article_a_symbolic_link_is_not_followed(content_tree):
    path = content_tree.article("a")
    loader = ContentLoader(content_tree.root, LABEL)
    loader.load()
    path.unlink()
    os.symlink("/etc/passwd", path)
    content = loader.apply([path])
    assert [article.title for article in content.articles] == ["Rubrik a sv"]  # the last good version
    assert [str(problem) for problem in content.problems] == [
        f"content/articles/a.sv.md: {SYMLINK}. The last good version stays published until this is fixed."
    ]


@pytest.mark.parametrize("name", ["pages/om.sv.md", "alerts/brand.yaml", "search.yaml"])
def test_a_symbolic_link_is_not_read_as_a_page_alert_or_settings(content_tree, tmp_path, name):
    link(content_tree, name, "/etc/passwd")
    content = content_tree.load()
    assert content.pages == [] and content.alerts == ()
    assert problems_by_path(content)[f"content/{name}"].startswith(SYMLINK)


@pytest.mark.parametrize("name", ["site.yaml", "topics/vatten.yaml", "partners/smhi.yaml", "topics"])
def test_a_symbolic_link_among_site_topics_or_partners_stops_the_build(content_tree, tmp_path, name):
    if name == "site.yaml":
        (content_tree.root / name).unlink()
    if name == "topics":
        os.rename(content_tree.root / "topics", tmp_path / "topics")
        link(content_tree, name, tmp_path / "topics")
    else:
        link(content_tree, name, "/etc/passwd")
    with pytest.raises(ContentError, match=f"content/{name}: {SYMLINK}"):
        content_tree.load()


def test_a_named_pipe_is_reported_not_waited_on(content_tree):
    content_tree.article("bra")
    os.mkfifo(content_tree.root / "articles" / "ror.sv.md")
    content = content_tree.load()
    assert [a.key for a in content.articles] == ["bra"]
    assert problems_by_path(content)["content/articles/ror.sv.md"].startswith("is not a regular file")


def test_only_images_that_content_shows_are_published(content_tree):
    content_tree.write("images/logga.svg", SVG)
    (content_tree.root / "images" / "bild.png").write_bytes(PNG)
    (content_tree.root / "images" / "oanvand.png").write_bytes(PNG)
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + "logo: logga.svg\n")
    content_tree.article("nyhet", image="{src: bild.png, alt: En bild}")
    content = content_tree.load()
    assert sorted(content.images) == ["bild.png", "logga.svg"] and content.problems == ()
    assert content.articles[0].image.width == 1


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("falsk.png", b"<html>not a picture</html>", "is not a PNG image, though its name says so"),
        ("falsk.jpg", PNG, "is not a JPG image, though its name says so"),
        ("falsk.webp", b"RIFF\0\0\0\0WAVE", "is not a WEBP image, though its name says so"),
        ("falsk.svg", b"<html><svg/></html>", "is not an SVG image (it does not start with <svg or <?xml)"),
        ("skript.svg", b'<svg onload="alert(1)"/>', "is an SVG image with scripts or embedded content"),
        ("skript2.svg", b"<?xml version='1.0'?><svg><script>alert(1)</script></svg>", "is an SVG image with"),
        ("text.txt", b"hej", "is not an image of a type that is published"),
        ("program.html", b"<script>alert(1)</script>", "is not an image of a type that is published"),
    ],
)
def test_a_file_in_images_that_is_not_an_image_of_its_type_is_ignored_with_a_problem(
    content_tree, name, data, problem
):
    (content_tree.root / "images" / name).write_bytes(data)
    content_tree.article("nyhet", image=f"{{src: {name}, alt: En bild}}")
    content = content_tree.load()
    assert content.images == {} and content.articles == []
    found = problems_by_path(content)
    assert found[f"content/images/{name}"].startswith(problem)
    assert f"no image '{name}' in content/images/" in found["content/articles/nyhet.sv.md"]


def test_a_symbolic_link_among_the_images_is_not_published(content_tree, tmp_path):
    (tmp_path / "bild.png").write_bytes(PNG)
    link(content_tree, "images/bild.png", tmp_path / "bild.png")
    link(content_tree, "images/passwd.svg", "/etc/passwd")
    content_tree.article("nyhet", image="{src: bild.png, alt: En bild}")
    content = content_tree.load()
    assert content.images == {} and content.articles == []
    assert problems_by_path(content)["content/images/bild.png"] == SYMLINK
    assert problems_by_path(content)["content/images/passwd.svg"] == SYMLINK


def test_a_site_logo_that_is_not_an_image_stops_the_build(content_tree):
    content_tree.write("images/logga.svg", "inte en bild")
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + "logo: logga.svg\n")
    with pytest.raises(ContentError, match="site.yaml: logo: no image 'logga.svg' in content/images/"):
        content_tree.load()


def test_files_whose_names_start_with_a_dot_are_not_content(content_tree):
    # Editors' lock and backup files (Emacs makes .#name.sv.md a symbolic link).
    content_tree.article("bra")
    os.symlink("user@host.1234", content_tree.root / "articles" / ".#bra.sv.md")
    content_tree.write("articles/.bra.sv.md", "not an article")
    content = content_tree.load()
    assert [a.key for a in content.articles] == ["bra"] and content.problems == ()
