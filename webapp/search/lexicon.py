"""A lexicon of inflected forms: the base form of a word whose stem misses it.

Snowball stems by cutting endings, so it cannot know that *bränder* is the plural of
*brand*, *städer* of *stad*, *fladdermöss* of *fladdermus*, or *women* of *woman*. A
lexicon can. Ours comes from simplemma (MIT licence, a maintained PyPI package: its
Swedish and English tables are built from Michal Měchura's lemmatization lists and
Wiktionary, about 960,000 Swedish and 180,000 English forms). Debian's and PyPI's Hunspell
Swedish dictionaries list *bränder* as a word of its own with no link to *brand*, so they
can check spelling but not lead a plural to its base word.

simplemma is read only when the table is made (once per installed version: 35 s and 360 MB
on a busy 2-core machine), into a SQLite file (26 MB) that builds link into their index
folder, so web workers look words up on disk (a few microseconds each) without holding the
lexicon in memory.
The file keeps every lower-case form the lexicon knows (so a compound's head can be told
from noise), and the base form only where stemming the base gives another term than
stemming the form (the only forms whose index term the lexicon changes).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import unicodedata
from importlib import metadata
from pathlib import Path

import Stemmer
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

from webapp import languages

# The site's languages simplemma has a dictionary for, each with its Snowball stemmer (None:
# none; its words' base forms are then their terms).
LANGUAGES = {lang: languages.BY_CODE[lang].stemmer for lang in languages.SITE if lang in SUPPORTED_LANGUAGES}
COMPOUNDING = languages.COMPOUNDING  # languages that write compounds as one word: inflected on the last part
TABLE_FORMAT = "1"  # bump when what the table holds changes
MIN_TAIL, MIN_HEAD = 3, 4  # the shortest last (män) and first parts of a compound we split
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "var" / "lexicon"


def fold(word: str) -> str:
    """`word` without diacritics: å, ä -> a, ö -> o, é -> e (how people type without them)."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def table_key() -> str:
    """Which table the installed packages make: a new simplemma or stemmer makes another."""
    versions = [TABLE_FORMAT, metadata.version("simplemma"), metadata.version("PyStemmer"), repr(LANGUAGES)]
    return hashlib.sha1(" ".join(versions).encode(), usedforsecurity=False).hexdigest()[:12]


def table_path(folder: Path | None = None) -> Path:
    """The table for the installed packages, made first if it is not there yet."""
    path = (folder or DEFAULT_FOLDER) / f"lexicon-{table_key()}.sqlite"
    if not path.exists():
        make_table(path)
    return path


def make_table(path: Path) -> None:
    """Write the lexicon table to `path` (atomically: builds in parallel may ask at once)."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    factory = DefaultDictionaryFactory()
    with sqlite3.connect(partial) as db:
        db.execute("PRAGMA journal_mode = OFF")  # a new file, renamed into place when whole
        db.execute("PRAGMA synchronous = OFF")
        for lang, name in LANGUAGES.items():
            stemmer = Stemmer.Stemmer(name) if name else _AsWritten()
            rows = _rows(factory.get_dictionary(lang).items(), stemmer)
            db.execute(f"CREATE TABLE {lang} (form TEXT PRIMARY KEY, base TEXT) WITHOUT ROWID")
            db.executemany(f"INSERT INTO {lang} VALUES (?, ?)", sorted(rows.items()))
    db.close()
    os.replace(partial, path)


class _AsWritten:
    """The stemmer of a language without one: every word is its own stem."""

    @staticmethod
    def stemWord(word: str) -> str:  # noqa: N802 (PyStemmer's name)
        return word


def _rows(pairs, stemmer) -> dict[str, str | None]:
    """Each lower-case form -> its base form if that stems differently, else None.

    Only a base that starts with the form's letter (after folding) is kept: bränder ->
    brand, fick -> få, but not the lexicon's rare oddities (isself -> himself)."""
    rows: dict[str, str | None] = {}
    for form, base in pairs:
        base = base.decode() if isinstance(base, bytes) else base
        if not (form.isalpha() and form.islower() and len(form) > 1):
            continue
        keep = base.isalpha() and base.islower() and fold(base[0]) == fold(form[0])
        if keep and base != form and stemmer.stemWord(base) != stemmer.stemWord(form):
            rows[form] = base
        else:
            rows.setdefault(form, None)
    return rows


class Lexicon:
    """Looks words up in a lexicon table (read only; one connection per thread and process,
    as a forked build process may not use its parent's)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def look_up(self, lang: str, word: str) -> tuple[bool, str | None]:
        """(whether the lexicon knows `word`, its base form where that stems differently);
        a compound the lexicon does not know takes the base of its last part
        (markbränder -> markbrand) and counts as known if that part is."""
        if lang not in LANGUAGES:  # no dictionary: the word is all we know
            return False, None
        found = self._db().execute(f"SELECT base FROM {lang} WHERE form = ?", (word,)).fetchone()
        if found is not None:
            return True, found[0]
        if lang in COMPOUNDING and len(word) >= MIN_HEAD + MIN_TAIL:
            return self._compound_base(lang, word)
        return False, None

    def base(self, lang: str, word: str) -> str | None:
        """The base form of `word` where the lexicon gives one that stems differently."""
        return self.look_up(lang, word)[1]

    def knows(self, lang: str, word: str) -> bool:
        """Whether `word` is a form the lexicon knows."""
        if lang not in LANGUAGES:
            return False
        return self._db().execute(f"SELECT 1 FROM {lang} WHERE form = ?", (word,)).fetchone() is not None

    def _compound_base(self, lang: str, word: str) -> tuple[bool, str | None]:
        """A Swedish compound inflects on its last part: the longest last part the lexicon
        knows, after a first part that is a word too (or a word and a linking s), decides."""
        tails = [word[cut:] for cut in range(MIN_HEAD, len(word) - MIN_TAIL + 1)]
        marks = ",".join("?" * len(tails))
        known = dict(self._db().execute(f"SELECT form, base FROM {lang} WHERE form IN ({marks})", tails))
        for tail in tails:  # longest first
            if tail not in known:
                continue
            head = word[: len(word) - len(tail)]
            if self.knows(lang, head) or (head.endswith("s") and self.knows(lang, head[:-1])):
                return True, (head + known[tail] if known[tail] else None)
        return False, None
