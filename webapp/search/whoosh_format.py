"""What a build's Whoosh index is made of, shared by its writer (whoosh_index_writer) and
its reader (whoosh_backend): the files beside Whoosh's own, the codec, and the record of
which code wrote it, checked when a build is opened.
"""

from __future__ import annotations

import json
from pathlib import Path

import whoosh

from webapp.search import SearchError
from webapp.search.whoosh_arrays import ArrayBlocksCodec

# Bump when the schema or the way documents are made changes: old indexes are then rebuilt.
INDEX_FORMAT = "15"
SETTINGS_FILE = "search-settings.json"
FINGERPRINTS_FILE = "fingerprints.pickle"
STEMS_FILE = "stems.pickle"
VOCABULARY_FILE = "vocabulary.json"
LEXICON_FILE = "lexicon.sqlite"  # webapp/search/lexicon.py: base forms of irregular words
# What wrote the index: a worker on other code must not read it as its own. Whoosh pickles
# the codec's import path into every index, and whoosh_arrays reads whoosh-reloaded 2.7.5's
# files directly, so a renamed codec or another Whoosh makes a build unreadable.
MADE_WITH_FILE = "made-with.json"
REMEDY = "Build the site again from its content: flask --app webapp build --full"


def made_with() -> dict[str, str]:
    """What this code writes and reads: the index format, Whoosh's version, the codec."""
    return {
        "index_format": INDEX_FORMAT,
        "whoosh": whoosh.versionstring(),
        "codec": f"{ArrayBlocksCodec.__module__}.{ArrayBlocksCodec.__qualname__}",
    }


def check_made_with(directory: Path) -> None:
    """Refuse, with the remedy, an index another version of the code wrote. (Builds made
    before the record was kept have none and are opened as before.)"""
    try:
        found = json.loads((directory / MADE_WITH_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        raise SearchError(f"cannot read {directory / MADE_WITH_FILE}: {error}. {REMEDY}") from error
    ours = made_with()
    differs = [
        f"{name} {found.get(name)!r} (this code: {ours[name]!r})"
        for name in ours
        if found.get(name) != ours[name]
    ]
    if differs:
        raise SearchError(
            f"the search index in {directory} was written by other code: {'; '.join(differs)}. {REMEDY}"
        )
