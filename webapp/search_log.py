"""What readers search for, for staff who add synonyms and best bets (docs/search.md).

Three things are counted, per query and day: searches that found nothing ("nothing"),
searches that found nothing and were shown a correction's results instead ("corrected",
with the correction), and suggestions that were followed ("followed": the query a
reader typed and the suggestion they chose). Nothing else is kept: no IP address, cookie,
user agent, time of day or sequence of searches, and a query's long numbers and e-mail
addresses (a personal identity number typed by mistake) are blanked before it is written.

Web workers keep no state of their own and may run on several machines, so each worker
appends one line per counted search to a file of its own for the day
(`<day>-<host>-<pid>.jsonl` in SEARCH_LOG_DIR); `flask search report` adds the files up.
Writing never blocks or fails a search: an error is swallowed, and a worker's file stops
growing at MAX_FILE_BYTES (a flood of odd queries cannot fill the disk).
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

EVENTS = ("nothing", "corrected", "followed")
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_QUERY = 100  # characters kept of a query
_NUMBER = re.compile(r"\d[\d\s-]{4,}\d")  # six digits or more: an identity, phone or card number
_EMAIL = re.compile(r"\S+@\S+")
_HOST = re.compile(r"[^A-Za-z0-9.-]")


def normal_query(text: str) -> str:
    """A query as it is counted: lower case, single spaces, long numbers and e-mail
    addresses blanked, at most MAX_QUERY characters."""
    text = _EMAIL.sub("@", text)
    text = _NUMBER.sub("#", text)
    return " ".join(text.lower().split())[:MAX_QUERY]


class SearchLog:
    """Appends counted searches to this worker's file for the day in `folder`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.host = _HOST.sub("-", socket.gethostname())[:60] or "host"

    def record(
        self, event: str, lang: str, query: str, other: str | None = None, day: date | None = None
    ) -> None:
        """Count one search: `event` in EVENTS, the reader's query, and the correction shown
        or suggestion followed (`other`). Never raises."""
        try:
            line = {"event": event, "lang": lang, "query": normal_query(query)}
            if other:
                line["other"] = normal_query(other)
            day = day or datetime.now(UTC).date()
            path = self.folder / f"{day.isoformat()}-{self.host}-{os.getpid()}.jsonl"
            data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                if os.fstat(descriptor).st_size + len(data) <= MAX_FILE_BYTES:
                    os.write(descriptor, data)  # one write of one line: appended whole
            finally:
                os.close(descriptor)
        except Exception:  # noqa: BLE001 - counting must never cost a reader their search
            return


@dataclass
class QueryCounts:
    """What readers did with one query (in one language) over the report's days."""

    lang: str
    query: str
    nothing: int = 0
    corrected: Counter = field(default_factory=Counter)  # correction shown -> times
    followed: Counter = field(default_factory=Counter)  # suggestion followed -> times
    days: set[str] = field(default_factory=set)

    @property
    def found_nothing(self) -> int:
        return self.nothing + sum(self.corrected.values())


def read_counts(folder: Path, since: date, until: date | None = None) -> list[QueryCounts]:
    """Every counted query in the files of `folder` from `since` to `until` (inclusive),
    most searches that found nothing first. Lines that cannot be read are skipped."""
    until = until or datetime.now(UTC).date()
    counts: dict[tuple[str, str], QueryCounts] = {}
    for path, day in _files(Path(folder)):
        if not since.isoformat() <= day <= until.isoformat():
            continue
        for line in _lines(path):
            key = (line["lang"], line["query"])
            entry = counts.setdefault(key, QueryCounts(*key))
            entry.days.add(day)
            if line["event"] == "nothing":
                entry.nothing += 1
            elif line["event"] == "corrected":
                entry.corrected[line.get("other", "")] += 1
            elif line["event"] == "followed":
                entry.followed[line.get("other", "")] += 1
    return sorted(counts.values(), key=lambda c: (-c.found_nothing, -sum(c.followed.values()), c.query))


def per_day(folder: Path, since: date, lang: str | None = None) -> dict[str, Counter]:
    """Each day's number of searches per event (in `lang` only, if given), for the report."""
    days: dict[str, Counter] = defaultdict(Counter)
    for path, day in _files(Path(folder)):
        if day >= since.isoformat():
            for line in _lines(path):
                if lang is None or line.get("lang") == lang:
                    days[day][line["event"]] += 1
    return dict(sorted(days.items()))


def _files(folder: Path) -> Iterable[tuple[Path, str]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        yield path, path.name[:10]  # the day, yyyy-mm-dd


def _lines(path: Path) -> Iterable[dict]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("event") in EVENTS and "query" in line and "lang" in line:
            yield line


def default_since(days: int) -> date:
    """The first day of a report covering the last `days` days, today included."""
    return datetime.now(UTC).date() - timedelta(days=days - 1)
