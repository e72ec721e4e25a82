"""Reading one article or page file: its front matter field by field, and its Markdown.

A file either gives a whole, valid Article (or Page) and no problems, or problems and
nothing: a file with a problem is never published as it is (docs/content.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import imagesize

from webapp.content.fields import (
    ARTICLE_FILE_MAX_BYTES,
    BODY_MAX,
    FACT_BOX_BODY_MAX,
    ID_PATTERN,
    LANGUAGES,
    LEAD_MAX,
    SHORT_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Fields,
    FileReader,
    shown,
)
from webapp.content.markdown import MarkdownProblem, render_markdown
from webapp.content.model import (
    EASY_READ_LANGUAGE,
    Article,
    ChangeNote,
    Contact,
    FactBox,
    Image,
    Page,
    Partner,
    Site,
    Video,
    Withdrawal,
)
from webapp.content.yaml_reading import Unreadable, parse_yaml, read_text, split_front_matter

# Only `published` can be scheduled: a change, a change note or a withdrawal takes effect
# when the file is saved, so a time ahead of the clock (beyond a few minutes' leeway) is a
# problem. The file then keeps its last good version, so a change meant for later cannot
# go out early (an embargoed update must not leak).
AHEAD_ALLOWED = timedelta(minutes=15)
SAVED_NOT_SCHEDULED = (
    "is in the future, but only 'published' can be scheduled: {what} goes out when the file "
    "is saved. Write when it was made"
)


def _not_ahead(fields: Fields, name: str, moment: datetime | None, what: str) -> None:
    if moment is not None and moment > datetime.now(UTC) + AHEAD_ALLOWED:
        fields.problem(name, SAVED_NOT_SCHEDULED.format(what=what))


ARTICLE_FILE = re.compile(r"^(?P<key>.+)\.(?P<lang>[a-z]{2,3})(?P<easy>-lattlast)?\.md$")

ARTICLE_FIELDS = frozenset(
    {
        "title", "lead", "published", "updated", "topics", "partners", "image", "fact_boxes",
        "contacts", "changes", "slug", "old_slugs", "draft", "withdrawn", "historic", "video",
        "sign_language_video",
    }
)  # fmt: skip
PAGE_FIELDS = frozenset({"title", "lead", "updated"})
IMAGE_FIELDS = frozenset({"src", "alt", "caption"})
VIDEO_FIELDS = frozenset({"file", "captions", "transcript", "poster", "title"})
VIDEO_KINDS = (".webm", ".mp4")
FACT_BOX_FIELDS = frozenset({"partner", "title", "body"})
CONTACT_FIELDS = frozenset({"name", "role", "phone", "email"})
CHANGE_FIELDS = frozenset({"date", "note"})
WITHDRAWAL_FIELDS = frozenset({"date", "reason"})


class Renderer:
    """Renders Markdown for one language, turning its problems into content problems."""

    def __init__(self, site: Site, labels: Callable[[str], str]):
        self.site_host = urlsplit(site.base_url).hostname or ""
        self.labels = {lang: labels(lang) for lang in LANGUAGES}  # each loads a catalogue

    def __call__(self, reader: FileReader, field: str, source: str, lang: str, limit: int) -> tuple[str, str]:
        if len(source) > limit:
            reader.problem(field, f"is {len(source):,} characters long; at most {limit:,} are allowed")
        else:  # control characters: refused in the file (yaml_reading.decode) or its fields
            try:
                return render_markdown(source, site_host=self.site_host, external_label=self.labels[lang])
            except MarkdownProblem as problem:
                reader.problem(field, str(problem))
        return "", ""


class Context(NamedTuple):
    """What articles are read against: a change to any of it may change every article."""

    site: Site
    zone: ZoneInfo
    topics: dict
    partners: dict[str, Partner]
    images: dict[str, str]  # name -> path of every image in content/images/
    render: Renderer
    media: dict[str, str]  # name -> path of every video and caption file in content/media/


def read_front_matter(reader: FileReader, known: frozenset[str]) -> tuple[Fields | None, str]:
    """The front matter's fields and the body of an article or page file."""
    try:
        text = read_text(reader.path, ARTICLE_FILE_MAX_BYTES)
        front, first_line, body = split_front_matter(text)
        data = parse_yaml(front, first_line)
    except Unreadable as error:
        reader.problem("", str(error))
        return None, ""
    if not isinstance(data, dict):
        reader.problem(
            "", "the front matter must be fields, one per line, like 'title: ...', between the '---' lines"
        )
        return None, ""
    return reader.fields(data, known), body


def read_article(
    path: str, name: str, context: Context, fingerprint: str = ""
) -> tuple[Article | None, list]:
    """The article in the file at `path` (called `name` in problems), or None and its problems."""
    reader = FileReader(path, name)
    match = ARTICLE_FILE.match(os.path.basename(path))
    if not match or match["lang"] not in LANGUAGES or not ID_PATTERN.match(match["key"]):
        suffixes = " or ".join(f"<key>.{lang}.md" for lang in LANGUAGES)
        reader.problem("", f"the file name must be {suffixes}, key in a-z, 0-9 and hyphens")
        return None, reader.problems
    easy_read = match["easy"] is not None
    if easy_read and match["lang"] != EASY_READ_LANGUAGE:
        reader.problem("", "only Swedish has an easy-to-read (lättläst) version: <key>.sv-lattlast.md")
        return None, reader.problems
    fields, body = read_front_matter(reader, ARTICLE_FIELDS)
    if fields is None:
        return None, reader.problems
    article = _article(fields, match["key"], match["lang"], body, context, fingerprint)
    if easy_read:
        article = replace(article, easy_read=True)
    return (None if reader.problems else article), reader.problems


def _article(fields: Fields, key: str, lang: str, body: str, context: Context, fingerprint: str) -> Article:
    reader, zone = fields.reader, context.zone
    published_at = fields.moment("published", zone, required=True)
    updated_at = fields.moment("updated", zone, required=False, time_required=False)
    if published_at and updated_at and updated_at < published_at:
        fields.problem("updated", "is earlier than 'published'")
    _not_ahead(fields, "updated", updated_at, "a change")
    changes = _changes(fields, zone)
    if changes and published_at and changes[-1].changed_at < published_at:
        fields.problem("changes", "a change is dated before 'published'")
    if changes and (updated_at is None or changes[0].changed_at > updated_at):
        updated_at = changes[0].changed_at  # "last updated" always matches the latest note
    if not body:
        fields.problem("body", "the article has no text below the front matter")
    body_html, body_text = context.render(reader, "body", body, lang, BODY_MAX)
    return Article(
        key=key,
        lang=lang,
        slug=fields.identifier("slug") or key,
        title=fields.text("title", TITLE_MAX, required=True) or "",
        lead=fields.text("lead", LEAD_MAX, required=True) or "",
        published_at=published_at or datetime.min,
        updated_at=updated_at if updated_at != published_at else None,
        topics=fields.ids("topics", context.topics, "topic", required=True),
        partners=fields.ids("partners", context.partners, "partner", required=False),
        body_html=body_html,
        body_text=body_text,
        image=_image(fields, context.images),
        fact_boxes=_fact_boxes(fields, lang, context),
        contacts=_contacts(fields),
        changes=changes,
        old_slugs=_old_slugs(fields),
        source=reader.name,
        fingerprint=fingerprint,
        draft=fields.flag("draft"),
        withdrawn=_withdrawal(fields, zone, published_at),
        historic=fields.flag("historic"),
        videos=_videos(fields, lang, context),
    )


def _videos(fields: Fields, lang: str, context: Context) -> tuple[Video, ...]:
    """The article's video and sign-language video. Each must have captions in the
    article's language and a transcript: without them a deaf or blind reader gets nothing
    of it (WCAG 1.2.2 and 1.2.3), so either missing is a problem, not a warning."""
    videos = []
    for name, sign_language in (("video", False), ("sign_language_video", True)):
        video = fields.group(name, VIDEO_FIELDS)
        if video is None:
            continue
        src = _media_file(video, "file", VIDEO_KINDS, "a video (.webm or .mp4)", context.media)
        captions = _media_file(video, "captions", (".vtt",), "captions (a WebVTT .vtt file)", context.media)
        if video.data.get("captions") in (None, ""):
            video.problem(
                "captions",
                f"is missing: a video needs captions in the article's language ({lang}) for readers "
                "who cannot hear it; add a WebVTT (.vtt) file to content/media/ and name it here",
            )
        transcript = video.data.get("transcript")
        if transcript in (None, ""):
            video.problem(
                "transcript",
                "is missing: write out what is said and shown in the video, for readers who cannot "
                "watch it (it is shown under the video)",
            )
            transcript_html = ""
        elif not isinstance(transcript, str):
            video.problem("transcript", "must be text")
            transcript_html = ""
        else:
            transcript_html, _ = context.render(
                fields.reader, f"{name}.transcript", transcript, lang, BODY_MAX
            )
        poster = video.text("poster", SHORT_TEXT_MAX, required=True)
        if poster is not None and poster not in context.images:
            video.problem("poster", f"no image '{shown(poster)}' in content/images/")
            poster = None
        try:
            width, height = imagesize.get(context.images[poster]) if poster else (-1, -1)
        except (OSError, ValueError, TypeError):
            width, height = -1, -1
        if src and captions and poster and transcript_html:
            videos.append(
                Video(
                    src=src,
                    captions=captions,
                    poster=poster,
                    transcript_html=transcript_html,
                    title=video.text("title", TEXT_MAX),
                    sign_language=sign_language,
                    width=round(width) if width > 0 else None,
                    height=round(height) if height > 0 else None,
                )
            )
    return tuple(videos)


def _media_file(
    fields: Fields, name: str, kinds: tuple[str, ...], what: str, media: dict[str, str]
) -> str | None:
    """A file of content/media/ named in field `name`, of one of `kinds`."""
    value = fields.text(name, SHORT_TEXT_MAX)
    if value is None:
        if name == "file":
            fields.problem(name, f"is missing: name {what} in content/media/")
        return None
    if not value.lower().endswith(kinds):
        fields.problem(name, f"'{shown(value)}' must be {what}")
        return None
    if value not in media:
        fields.problem(name, f"no file '{shown(value)}' in content/media/")
        return None
    return value


def _image(fields: Fields, images: dict[str, str]) -> Image | None:
    image = fields.group("image", IMAGE_FIELDS)
    if image is None:
        return None
    src = image.text("src", SHORT_TEXT_MAX, required=True)
    alt = image.text("alt", TEXT_MAX)
    if alt is None and image.data.get("alt") != "":
        image.problem("alt", 'is missing: describe the image, or write alt: "" if it is decoration')
    if src is not None and src not in images:
        image.problem("src", f"no image '{shown(src)}' in content/images/")
        return None
    try:
        width, height = imagesize.get(images[src]) if src else (-1, -1)
    except (OSError, ValueError, TypeError):  # a damaged file: no size, the page may jump
        width, height = -1, -1
    return Image(
        src=src or "",
        alt=alt or "",
        caption=image.text("caption", TEXT_MAX),
        width=round(width) if width > 0 else None,
        height=round(height) if height > 0 else None,
    )


def _fact_boxes(fields: Fields, lang: str, context: Context) -> tuple[FactBox, ...]:
    boxes = []
    for number, item in enumerate(fields.items("fact_boxes"), start=1):
        where = f"fact_boxes[{number}]"
        box = fields.reader.fields(item, FACT_BOX_FIELDS, where)
        if box is None:
            continue
        if "partner" in item:
            partner = box.text("partner", SHORT_TEXT_MAX, required=True)
            if partner is not None and partner not in context.partners:
                box.problem("partner", f"unknown partner '{shown(partner)}'")
            elif partner is not None:
                boxes.append(FactBox(partner=partner))
            continue
        title = box.text("title", TITLE_MAX, required=True)
        body = box.text("body", FACT_BOX_BODY_MAX, required=True) or ""
        body_html, _ = context.render(fields.reader, f"{where}.body", body, lang, FACT_BOX_BODY_MAX)
        boxes.append(FactBox(title=title, body_html=body_html))
    return tuple(boxes)


def _contacts(fields: Fields) -> tuple[Contact, ...]:
    contacts = []
    for number, item in enumerate(fields.items("contacts"), start=1):
        contact = fields.reader.fields(item, CONTACT_FIELDS, f"contacts[{number}]")
        if contact is not None:
            contacts.append(
                Contact(
                    name=contact.text("name", SHORT_TEXT_MAX, required=True) or "",
                    role=contact.text("role", SHORT_TEXT_MAX),
                    phone=contact.text("phone", SHORT_TEXT_MAX),
                    email=contact.email("email"),
                )
            )
    return tuple(contacts)


def _changes(fields: Fields, zone: ZoneInfo) -> tuple[ChangeNote, ...]:
    notes = []
    for number, item in enumerate(fields.items("changes"), start=1):
        change = fields.reader.fields(item, CHANGE_FIELDS, f"changes[{number}]")
        if change is None:
            continue
        changed_at = change.moment("date", zone, required=True, time_required=False)
        _not_ahead(change, "date", changed_at, "a change")
        note = change.text("note", TEXT_MAX, required=True)
        if changed_at and note:
            notes.append(ChangeNote(changed_at=changed_at, note=note))
    return tuple(sorted(notes, key=lambda n: n.changed_at, reverse=True))


def _old_slugs(fields: Fields) -> tuple[str, ...]:
    slugs = []
    for item in fields.items("old_slugs"):
        if isinstance(item, str) and ID_PATTERN.match(item.strip()):
            slugs.append(item.strip())
        else:
            fields.problem("old_slugs", f"'{shown(item)}' may contain only a-z, 0-9 and hyphens")
    return tuple(slugs)


def _withdrawal(fields: Fields, zone: ZoneInfo, published_at: datetime | None) -> Withdrawal | None:
    withdrawn = fields.group("withdrawn", WITHDRAWAL_FIELDS)
    if withdrawn is None:
        return None
    withdrawn_at = withdrawn.moment("date", zone, required=True)
    reason = withdrawn.text("reason", TEXT_MAX, required=True)
    if withdrawn_at and published_at and withdrawn_at < published_at:
        withdrawn.problem("date", "is before 'published'")
    _not_ahead(withdrawn, "date", withdrawn_at, "a withdrawal")
    if withdrawn_at is None or reason is None:
        return None
    return Withdrawal(withdrawn_at=withdrawn_at, reason=reason)


def read_page(path: str, name: str, context: Context) -> tuple[Page | None, list]:
    """The page in the file at `path`, or None and its problems."""
    reader = FileReader(path, name)
    match = ARTICLE_FILE.match(os.path.basename(path))
    if not match or match["lang"] not in LANGUAGES or not ID_PATTERN.match(match["key"]):
        named = f"<page-id>.<language>.md ({', '.join(LANGUAGES)})"
        reader.problem("", f"the file name must be {named}, the id in a-z, 0-9 and hyphens")
        return None, reader.problems
    fields, body = read_front_matter(reader, PAGE_FIELDS)
    if fields is None:
        return None, reader.problems
    body_html, _ = context.render(reader, "body", body, match["lang"], BODY_MAX)
    page = Page(
        id=match["key"],
        lang=match["lang"],
        title=fields.text("title", TITLE_MAX, required=True) or "",
        lead=fields.text("lead", LEAD_MAX) or "",
        updated_at=fields.moment("updated", context.zone, required=False, time_required=False),
        body_html=body_html,
    )
    return (None if reader.problems else page), reader.problems
