"""Videos in articles, as a deaf reader, a blind reader and a communicator meet them: a
video goes out only with captions in the article's language and a transcript (WCAG 1.2.2,
1.2.3), plays with the browser's own controls and never by itself, a sign-language video
is marked as such, nothing is fetched from another site, and a draft's video stays
unpublished until the article is."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest

from tests.conftest import make_app
from webapp.build import write_build
from webapp.config import PROJECT_ROOT

DEMO_MEDIA = PROJECT_ROOT / "content" / "media"
WEBVTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHej och välkommen.\n"
VIDEO = """
  file: film.webm
  poster: affisch.png
  captions: film.sv.vtt
  transcript: |
    Hej och välkommen.
"""


@pytest.fixture
def with_media(content_tree):
    """A content tree with a video, its captions and a poster image."""
    media = content_tree.root / "media"
    media.mkdir(parents=True)
    shutil.copyfile(DEMO_MEDIA / "vattenplan-2026.webm", media / "film.webm")
    (media / "film.sv.vtt").write_text(WEBVTT, encoding="utf-8")
    shutil.copyfile(
        PROJECT_ROOT / "content" / "images" / "vattenplan-2026-film.png",
        content_tree.root / "images" / "affisch.png",
    )
    return content_tree


def video_article(tree, key: str = "film", video: str = VIDEO, **fields) -> None:
    tree.article(key, video="\n" + video.replace("\n  ", "\n  ").rstrip(), **fields)


def messages(content) -> list[str]:
    return [str(problem) for problem in content.problems]


def test_a_video_with_captions_and_a_transcript_is_published_with_the_article(with_media, tmp_path):
    video_article(with_media)
    builds = tmp_path / "builds"
    write_build(with_media.load(), builds)
    client = make_app(builds).test_client()
    html = client.get("/sv/news/film").get_data(as_text=True)
    player = re.search(r"<video [^>]*>", html).group(0)
    assert "controls" in player and 'preload="none"' in player and "autoplay" not in player
    assert 'poster="/media/affisch.png' in player and 'width="640" height="360"' in player
    assert re.search(
        r'<track kind="captions" src="/media/film.sv.vtt\?v=[^"]+" srclang="sv" label="Svenska" default>',
        html,
    )
    transcript = (
        r'<h3 id="video-1-transcript-title">Textversion av filmen</h3>\s*<div class="video__transcript">'
    )
    assert re.search(transcript + "<p>Hej och välkommen.</p>", html)
    assert "http" not in player  # everything from this site
    video = client.get("/media/film.webm", headers={"Range": "bytes=0-9"})
    assert (
        video.status_code == 206 and video.headers["Content-Type"] == "video/webm" and len(video.data) == 10
    )
    captions = client.get("/media/film.sv.vtt")
    assert captions.headers["Content-Type"] == "text/vtt; charset=utf-8" and captions.data.startswith(
        b"WEBVTT"
    )


def test_a_sign_language_video_is_marked_as_swedish_sign_language(with_media, tmp_path):
    with_media.article("film", sign_language_video="\n" + VIDEO.rstrip())
    builds = tmp_path / "builds"
    write_build(with_media.load(), builds)
    html = make_app(builds).test_client().get("/sv/news/film").get_data(as_text=True)
    assert re.search(r'<video [^>]*lang="swl"', html)
    assert '<h2 id="video-1-title">Film på svenskt teckenspråk</h2>' in html
    assert '<p lang="sv">Din webbläsare kan inte spela upp filmen.' in html  # not in sign language


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("  captions: film.sv.vtt\n", ""),
            "video.captions: is missing: a video needs captions in the article's language (sv)",
        ),
        (
            ("  transcript: |\n    Hej och välkommen.\n", ""),
            "video.transcript: is missing: write out what is said and shown",
        ),
        (("film.webm", "saknas.webm"), "video.file: no file 'saknas.webm' in content/media/"),
        (("film.webm", "film.avi"), "video.file: 'film.avi' must be a video (.webm or .mp4)"),
        (
            ("captions: film.sv.vtt", "captions: film.webm"),
            "video.captions: 'film.webm' must be captions (a WebVTT .vtt file)",
        ),
        (("affisch.png", "saknas.png"), "video.poster: no image 'saknas.png' in content/images/"),
        (("  poster: affisch.png\n", ""), "video.poster: is missing"),
    ],
)
def test_a_video_without_what_every_reader_needs_keeps_its_article_out(with_media, change, problem):
    video_article(with_media, video=VIDEO.replace(*change))
    content = with_media.load()
    assert content.articles == []
    assert any(problem in message for message in messages(content)), messages(content)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("film.sv.vtt", "Hej och välkommen.\n", "its first line must be WEBVTT"),
        ("film.sv.vtt", "WEBVTT\n\nbara text\n", "has no captions"),
        ("film.webm", "<html><script>alert(1)</script>", "is not a WebM video, though its name says so"),
        ("film.html", "<html>", "is not a file of a type that is published here"),
    ],
)
def test_a_media_file_that_is_not_what_its_name_says_is_refused_by_name(with_media, name, data, problem):
    (with_media.root / "media" / name).write_text(data, encoding="utf-8")
    content = with_media.load()
    assert any(f"content/media/{name}" in message and problem in message for message in messages(content)), (
        messages(content)
    )


def test_a_drafts_video_is_not_published_until_the_article_is(with_media, tmp_path):
    video_article(with_media, draft="true")
    builds = tmp_path / "builds"
    build = write_build(with_media.load(), builds)
    assert not (build / "media" / "film.webm").exists() and not (build / "media" / "affisch.png").exists()
    assert make_app(builds).test_client().get("/media/film.webm").status_code == 404
    video_article(with_media)
    build = write_build(with_media.load(), builds)
    assert (build / "media" / "film.webm").exists() and (build / "media" / "film.sv.vtt").exists()


def test_a_scheduled_articles_video_and_poster_are_not_sent_before_its_minute(with_media, tmp_path):
    video_article(with_media, published="2030-01-01 09:00", image="{src: affisch.png, alt: En affisch}")
    builds = tmp_path / "builds"
    write_build(with_media.load(), builds)
    for moment, status in (
        (datetime(2029, 12, 31, tzinfo=UTC), 404),
        (datetime(2030, 1, 1, 9, tzinfo=UTC), 200),
    ):
        client = make_app(builds, NOW=moment).test_client()
        for name in ("film.webm", "film.sv.vtt", "affisch.png"):
            assert client.get(f"/media/{name}").status_code == status, (name, moment)


def test_the_demo_article_carries_a_video_and_a_sign_language_video(client):
    html = client.get("/sv/news/regional-vattenforsorjningsplan-remiss-2026").get_data(as_text=True)
    assert html.count("<video ") == 2 and html.count('<track kind="captions"') == 2
    assert html.count('lang="swl"') == 1
