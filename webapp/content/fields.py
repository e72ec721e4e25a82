"""Reading the fields of one content file: each value checked for its type, size and form,
and every problem recorded with the file and the field's full name (`contacts[2].email`),
never raised at the first one, so a communicator can fix a whole file in one go.

What YAML gives us here is text, None, lists and maps only (see yaml_reading.py); any
other shape a field is written in is reported, never passed on.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from webapp import languages
from webapp.content.model import Problem
from webapp.content.yaml_reading import CONTROL_MESSAGE

LANGUAGES = languages.SITE
REQUIRED = languages.REQUIRED  # the others may be left out (they fall back)

# Limits: a content file is a trust boundary, and a build must finish in bounded time and
# memory whatever is written. Far above what any real article needs (docs/content.md).
ARTICLE_FILE_MAX_BYTES = 1024 * 1024  # an article or page file
YAML_FILE_MAX_BYTES = 256 * 1024  # site.yaml, topics, partners, alerts, search.yaml
IMAGE_FILE_MAX_BYTES = 20 * 1024 * 1024
TITLE_MAX = 300  # characters
LEAD_MAX = 1000
SHORT_TEXT_MAX = 200  # a contact's name, role, phone or e-mail; a name; a link text
TEXT_MAX = 2000  # a note, a reason, a caption, an alt text, a description, an alert's text
URL_MAX = 2000
BODY_MAX = 200_000  # an article's or page's text, in characters
FACT_BOX_BODY_MAX = 20_000
LIST_MAX = 50  # contacts, fact boxes, changes, earlier slugs, topics, partners, social links

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Characters no text may hold: they are invisible, and XML (the feeds) cannot carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_EMAIL = re.compile(r"^[^@\s<>\"',;:()\[\]\\]+@[^@\s<>\"',;:()\[\]\\]+\.[^@\s<>\"',;:()\[\]\\]+$")
_EARLIEST, _LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def has_control_character(text: str) -> bool:
    """Whether `text` holds a character no published text may hold (see _CONTROL)."""
    return _CONTROL.search(text) is not None


def shown(value: object, limit: int = 60) -> str:
    """A value as a message may quote it: short, one line, and with no character that a
    terminal would act on (an escape sequence written into a file must not reach it)."""
    text = value if isinstance(value, str) else str(value) if value is None else _kind(value)
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", " ".join(text[: limit + 1].split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: object) -> str:
    """What a value is, in a communicator's words."""
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


class FileReader:
    """The problems of one content file, as it is read."""

    __slots__ = ("path", "name", "problems")

    def __init__(self, path: str, name: str):
        self.path = path  # where it is read from
        self.name = name  # what problems call it: content/articles/2024/x.sv.md
        self.problems: list[Problem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, field, message))

    def fields(self, value: object, known: frozenset[str], where: str = "") -> Fields | None:
        """`value` as a map of fields (checked against `known`), or None with a problem."""
        if isinstance(value, dict):
            fields = Fields(self, value, f"{where}." if where else "")
            if value.keys() - known:  # a set difference: most maps have no unknown field
                fields.unknown(known)
            return fields
        if value is not None or where:
            example = ", ".join(sorted(known)[:3])
            self.problem(
                where, f"must be fields on lines of their own (such as {example}), not {_kind(value)}"
            )
        return None


class Fields:
    """One map of a content file, read field by field with the checks each field needs."""

    __slots__ = ("reader", "data", "prefix")

    def __init__(self, reader: FileReader, data: dict, prefix: str):
        self.reader, self.data, self.prefix = reader, data, prefix

    def problem(self, key: str, message: str) -> None:
        self.reader.problem(self.prefix + key, message)

    def unknown(self, known: frozenset[str]) -> None:
        """Name every field not in `known`, with the nearest known name if there is one."""
        for key in sorted(self.data.keys() - known, key=str):
            if not isinstance(key, str) or not key.strip():
                self.reader.problem(
                    self.prefix.rstrip(".") or "", "a field without a name; write 'name: value'"
                )
                continue
            near = difflib.get_close_matches(key, known, n=1) if len(key) <= 60 else []
            hint = f"did you mean '{near[0]}'?" if near else f"the fields here are {', '.join(sorted(known))}"
            self.problem(shown(key), f"unknown field; {hint}")

    def text(self, key: str, limit: int, *, required: bool = False) -> str | None:
        """Text of at most `limit` characters, stripped; None if empty or wrong."""
        value = self.data.get(key)
        if isinstance(value, str):
            value = value.strip()
            if value and len(value) <= limit and not _CONTROL.search(value):
                return value
        return self._wrong_text(key, value, limit, required)

    def _wrong_text(self, key: str, value: object, limit: int, required: bool) -> None:
        if value is None or value == "":
            if required:
                self.problem(key, "is missing; it is required")
        elif not isinstance(value, str):
            self.problem(key, f"must be text, not {_kind(value)}")
        elif len(value) > limit:
            self.problem(key, f"is {len(value):,} characters long; at most {limit:,} are allowed")
        else:
            self.problem(key, CONTROL_MESSAGE)
        return None

    def localized(self, key: str, limit: int, *, required: bool = False) -> dict[str, str]:
        """One text per site language ({} if the field is left out and not required); a
        language with a fallback may be left out: it reads its fallback's (Localized)."""
        value = self.data.get(key)
        if value is None and not required:
            return {}
        example = "sv: and en: on lines below it"
        if not isinstance(value, dict):
            self.problem(key, f"needs one text per language: {example}")
            return {}
        fields = Fields(self.reader, value, f"{self.prefix}{key}.")
        if value.keys() - set(LANGUAGES):
            fields.unknown(frozenset(LANGUAGES))
        texts = {lang: fields.text(lang, limit) for lang in LANGUAGES if lang in REQUIRED or lang in value}
        for lang, text in texts.items():
            if text is None and (value.get(lang) is None or value.get(lang) == ""):
                fields.problem(lang, "is missing; write the text in this language")
        return languages.Localized(texts) if all(texts.values()) else {}

    def flag(self, key: str) -> bool:
        """true or false (false if left out)."""
        value = self.data.get(key)
        if value is None:
            return False
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.problem(key, f"must be true or false, not '{shown(value)}'")
        return False

    def whole_number(self, key: str, minimum: int, maximum: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 6:
            number = int(value)
            if minimum <= number <= maximum:
                return number
        self.problem(key, f"must be a whole number from {minimum} to {maximum}, not '{shown(value)}'")
        return None

    def choice(self, key: str, choices: Collection[str], *, required: bool = False) -> str | None:
        value = self.text(key, SHORT_TEXT_MAX, required=required)
        if value is None or value in choices:
            return value
        self.problem(key, f"must be one of {', '.join(choices)}, not '{shown(value)}'")
        return None

    def identifier(self, key: str) -> str | None:
        """An id or slug: a-z, 0-9 and hyphens."""
        value = self.text(key, SHORT_TEXT_MAX)
        if value is None or ID_PATTERN.match(value):
            return value
        self.problem(key, f"'{shown(value)}' may contain only a-z, 0-9 and hyphens")
        return None

    def group(self, key: str, known: frozenset[str]) -> Fields | None:
        """The fields written under `key` (image:, withdrawn:, ...), or None when it is left
        out or is not fields (a problem then)."""
        value = self.data.get(key)
        return None if value is None else self.reader.fields(value, known, key)

    def items(self, key: str, limit: int = LIST_MAX, *, single: bool = False) -> list:
        """A list of at most `limit` items ([] if left out); a single text counts as a
        one-item list where `single`."""
        value = self.data.get(key)
        if value is None:
            return []
        if single and isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            self.problem(
                key, f"must be a list (each item on its own line starting with '- '), not {_kind(value)}"
            )
            return []
        if len(value) > limit:
            self.problem(key, f"has {len(value):,} items; at most {limit} are allowed")
            return []
        return value

    def ids(self, key: str, known: Collection[str], kind: str, *, required: bool) -> tuple[str, ...]:
        """Ids of things that must exist (`known`), such as [klimat-energi]."""
        value = self.data.get(key)
        items = self.items(key, single=True)
        if not items:
            if required and (value is None or value == [] or value == ""):
                self.problem(key, f"is missing; give at least one {kind} id")
            return ()
        ids = []
        for item in items:
            if not isinstance(item, str):
                self.problem(
                    key, f"must be a list of {kind} ids, such as [{next(iter(sorted(known)), 'id')}]"
                )
            elif item.strip() not in known:
                choices = ", ".join(sorted(known)[:30]) or "none exist yet"
                self.problem(key, f"unknown {kind} '{shown(item)}' (known: {choices})")
            elif item.strip() not in ids:
                ids.append(item.strip())
        return tuple(ids)

    def moment(
        self, key: str, zone: ZoneInfo, *, required: bool, time_required: bool = True
    ) -> datetime | None:
        """A date and time written in the site's time zone (YYYY-MM-DD HH:MM), in UTC.
        Where `time_required`, a date alone is refused: an embargo that lifts at midnight
        because the time was forgotten publishes news hours early."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, "is missing; write it as YYYY-MM-DD HH:MM")
            return None
        if not isinstance(value, str):
            self.problem(key, f"must be a date and time like 2024-05-02 09:30, not {_kind(value)}")
            return None
        moment, problem = _moment(value.strip(), zone, time_required)
        if problem:
            self.problem(key, problem)
        return moment

    def url(self, key: str, *, site_path: bool = False) -> str | None:
        """A web address starting with https:// or http:// (or, where `site_path`, a path on
        this site starting with a single /). Nothing else: javascript: must never be a link."""
        value = self.text(key, URL_MAX)
        if value is None:
            return None
        if site_path and value.startswith("/") and not value.startswith("//") and _plain_url(value):
            return value
        try:
            parts = urlsplit(value)
            web = parts.scheme in ("https", "http") and bool(parts.hostname)
        except ValueError:  # such as an unclosed [ in the host
            web = False
        if web and _plain_url(value):
            return value
        also = " or a path on this site starting with /" if site_path else ""
        self.problem(key, f"'{shown(value)}' must be a web address starting with https://{also}")
        return None

    def email(self, key: str) -> str | None:
        value = self.text(key, SHORT_TEXT_MAX)
        if value is None or _EMAIL.match(value):
            return value
        self.problem(key, f"'{shown(value)}' is not an e-mail address like name@example.se")
        return None


def _moment(value: str, zone: ZoneInfo, time_required: bool) -> tuple[datetime | None, str | None]:
    """(the moment in UTC, None) or (None, what is wrong with it)."""
    try:
        moment = datetime.fromisoformat(value) if len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None:
        return None, f"'{shown(value)}' is not a date; write it as YYYY-MM-DD HH:MM"
    if time_required and _DATE_ONLY.match(value):
        return None, f"write the time too, like {value} 09:30"
    try:
        moment = (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01 00:00 east of Greenwich is before year 1
        moment = None
    if moment is None or not _EARLIEST <= moment < _LATEST:
        return None, f"'{shown(value)}' must be between the years 1900 and 2199"
    return moment, None


def _plain_url(value: str) -> bool:
    """No spaces or backslashes: browsers read a backslash as a slash, so /\\host is //host."""
    return not any(character.isspace() or character == "\\" for character in value)
