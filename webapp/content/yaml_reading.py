"""Reading YAML from content files: safely, fast, and with errors a communicator can act on.

Content files are a trust boundary, so the YAML we read is a small, strict subset:

- every plain value is text (or empty): `published: 2024-05-02 09:30`, `phone: 0102244000`
  and `draft: true` all come back as text, which the field readers check and convert. YAML's
  own guesses would turn a date into a date before we can name the field it is wrong in,
  and `010` into the number 8;
- no aliases (`*name`): with anchors (`&name`) they let 490 bytes expand into gigabytes
  (a "billion laughs"), and our content never needs them;
- no tags (`!!int`, `!!python/...`), and no field twice in one map (YAML keeps the last one
  silently, so a communicator's edit of the first one would do nothing).

libyaml parses (CSafeLoader): reading front matter in pure Python was 40 % of loading a
large archive. Its composer is C code that resolves aliases where Python cannot see them,
so a text that could hold an alias (an anchor `&` and an alias `*` both appear in it,
which is rare) is composed by PyYAML's Python composer over libyaml's events instead, and
refused where that composer meets the alias event. Without an `&`, libyaml itself refuses
an alias as "undefined", which we report the same way.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Hashable

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode

_NULL = "tag:yaml.org,2002:null"
SYMLINK_MESSAGE = "is a symbolic link; symbolic links are not published"


class Unreadable(ValueError):
    """A content file cannot be read or parsed; the message says why, in plain words."""


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark):
        super().__init__("alias")
        self.problem_mark = mark


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, mark):
        super().__init__("duplicate key")
        self.key, self.problem_mark = key, mark


class ContentYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader), Composer):
    """Safe YAML without aliases, tags or repeated keys, whose plain values are all text."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.anchors = {}  # the Python composer's, when it is used
        # An alias needs an anchor before it: without both marks the C composer is safe.
        self._may_alias = "&" in stream and "*" in stream

    def get_single_node(self):
        if self._may_alias:
            return Composer.get_single_node(self)
        return super().get_single_node()

    def compose_node(self, parent, index):
        """The Python composer's, refusing an alias before it is resolved."""
        if self.check_event(AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)
        return Composer.compose_node(self, parent, index)

    def construct_mapping(self, node, deep=False):
        """A map, refusing a key that appears twice (YAML would keep the last silently)."""
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping node", node.start_mark)
        mapping = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                )
            if key in mapping:
                raise _DuplicateKey(key, key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


# Only "empty" is recognised in plain values; everything else stays text.
ContentYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == _NULL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    if any(tag == _NULL for tag, _ in resolvers)
}
ContentYamlLoader.yaml_constructors = {
    _NULL: SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:str": SafeConstructor.construct_yaml_str,
    "tag:yaml.org,2002:seq": SafeConstructor.construct_yaml_seq,
    "tag:yaml.org,2002:map": SafeConstructor.construct_yaml_map,
    None: SafeConstructor.construct_undefined,  # any tag: refused
}
ContentYamlLoader.yaml_multi_constructors = {}


def parse_yaml(text: str, first_line: int = 1) -> object:
    """The value of a YAML text (map, list, text or None). Raises Unreadable with the line
    and column (counted from `first_line`, where the text starts in its file) and the fix."""
    try:
        return yaml.load(text, Loader=ContentYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise Unreadable(plain_yaml_message(error, text, first_line)) from None
    except RecursionError:  # the Python composer, on a text nested hundreds deep
        raise Unreadable("is nested too deeply to be read; fields need at most a few levels") from None


_FRONT_MATTER_LINE = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str, int, str]:
    """(front matter YAML, the file line it starts on, body) of an article or page.
    Raises Unreadable if the '---' lines are missing."""
    start = len(text) - len(text.lstrip())
    opening = _FRONT_MATTER_LINE.match(text, start)
    if opening is None:
        raise Unreadable(
            "has no front matter: start the file with a line of three dashes (---), "
            "the fields (such as title:), and another line of three dashes"
        )
    closing = _FRONT_MATTER_LINE.search(text, opening.end())
    if closing is None:
        raise Unreadable(
            "the front matter has no closing '---' line: end the fields with a line of three "
            "dashes, and write the text below it"
        )
    first_line = text.count("\n", 0, opening.end()) + 1
    return text[opening.end() : closing.start()], first_line, text[closing.end() :].strip()


def read_text(path: str, limit: int) -> str:
    """The UTF-8 text of the regular file at `path`, read without following a symbolic link
    and refused above `limit` bytes. Raises Unreadable."""
    try:
        # O_NONBLOCK: a named pipe would otherwise wait for a writer forever.
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Unreadable(SYMLINK_MESSAGE) from None
        raise Unreadable(f"cannot be opened: {error.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file; only plain text files are published")
        if info.st_size > limit:
            raise Unreadable(f"is {_size(info.st_size)}; at most {_size(limit)} is allowed: make it shorter")
        chunks, size = [], 0
        while chunk := os.read(descriptor, limit + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise Unreadable(f"is larger than {_size(limit)}, which is allowed: make it shorter")
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror}") from None
    finally:
        os.close(descriptor)
    return decode(b"".join(chunks))


# Characters no text may hold: invisible, and XML (the feeds) cannot carry them. In UTF-8
# the control characters are single bytes that no other character's bytes contain.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NON_CHARACTERS = ("\ufffe".encode(), "\uffff".encode())
CONTROL_MESSAGE = (
    "contains an invisible control character (often pasted from another program); "
    "delete it and type the text again"
)


def decode(data: bytes) -> str:
    """UTF-8 text with Unix line ends (an editor on Windows may add a byte order mark and
    write CR LF). Raises Unreadable naming the line of a byte that is not UTF-8 or of a
    control character (checked on the bytes: a copy without them is a few microseconds,
    a regular expression over the text ten times that)."""
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or any(c in data for c in _NON_CHARACTERS):
        at = min(i for i in (*map(data.find, _CONTROL_BYTES), *map(data.find, _NON_CHARACTERS)) if i >= 0)
        line = data.count(b"\n", 0, at) + 1
        raise Unreadable(f"line {line}: {CONTROL_MESSAGE}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Unreadable(
            f"line {line}: is not saved as UTF-8 text; save it with the encoding UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


# PyYAML's and libyaml's problem texts, and what a communicator should do about each.
_PLAIN_PROBLEMS = (
    ("mapping values are not allowed", "colon"),
    ("found a tab character", "tab"),
    ("found unexpected end of stream", "quote"),
    ("did not find expected key", "key"),
    ("could not find expected ':'", "no colon"),
    ("did not find expected ',' or ']'", "bracket"),
    ("did not find expected ',' or '}'", "brace"),
    ("found unknown escape character", "escape"),
    ("block sequence entries are not allowed", "dash"),
    ("did not find expected '-' indicator", "list indent"),
    ("found undefined alias", "alias"),
    ("could not determine a constructor", "tag"),
    ("found unhashable key", "key kind"),
    ("exceeded maximum nesting depth", "deep"),
    ("mapping keys are not allowed", "question"),
    ("found character that cannot start any token", "start"),
    ("found another document", "documents"),
    ("while scanning an alias", "alias"),
    ("while scanning an anchor", "anchor"),
)
_ADVICE = {
    "colon": "a colon followed by a space inside a value; put the whole value in double quotes, "
    'like title: "Dags: nu"',
    "tab": "a tab is used to indent; indent with spaces only",
    "quote": "a quote is opened but never closed; end the value with the same quote mark",
    "key": "this line does not continue the fields above it; write 'field: value', "
    "check its indentation, and put a value with quotes inside it in double quotes as a whole",
    "no colon": "a line without 'field: value'; add the colon, or indent a long value so "
    "that it continues the line above",
    "bracket": "a list in [ ] is not closed; separate the items with commas and end it with ]",
    "brace": "a group in { } is not closed; separate the fields with commas and end it with }",
    "escape": "a backslash inside double quotes; write it twice (\\\\) or use single quotes",
    "dash": "a list item ('- ') where a value was expected; put the list on the lines below "
    "its field, indented, or put the value in double quotes",
    "list item": "a list item ('- ') where a field was expected; write 'field: value', or put "
    "the list on the lines below its field, indented",
    "list indent": "this line is not indented like the list items above it; line up the fields of each item",
    "alias": "uses YAML anchors or aliases (& and *), which are not allowed: write the value "
    "out (a value that starts with * or & must be in double quotes)",
    "anchor": "uses YAML anchors or aliases (& and *), which are not allowed: write the value "
    "out (a value that starts with * or & must be in double quotes)",
    "tag": "uses a YAML tag (a word after !), which is not allowed; remove it, or put the "
    "value in double quotes",
    "key kind": "a field name must be plain text",
    "deep": "is nested too deeply to be read; fields need at most a few levels",
    "question": "a value that starts with '?' must be in double quotes",
    "start": "a value cannot start with this character; put the whole value in double quotes",
    "documents": "a line of three dashes (---) inside the fields; remove it, or put the value "
    "that holds it in double quotes",
    "control": "contains an invisible control character (often pasted from another program); "
    "delete it and type the text again",
}


def plain_yaml_message(error: yaml.YAMLError, text: str, first_line: int = 1) -> str:
    """A YAML error as a communicator can act on it: where, what, and the fix."""
    if isinstance(error, _DuplicateKey):
        key = error.key if isinstance(error.key, str) else "a field"
        message = f"{key} appears twice; keep only one of them"
    elif isinstance(error, _AliasRefused):
        message = _ADVICE["alias"]
    elif isinstance(error, yaml.reader.ReaderError):
        line = text.encode("utf-8", "surrogatepass")[: error.position].count(b"\n") + first_line
        return f"line {line}: {_ADVICE['control']}"
    else:
        described = f"{getattr(error, 'context', None) or ''} {getattr(error, 'problem', None) or ''}"
        kind = next((kind for marker, kind in _PLAIN_PROBLEMS if marker in described), None)
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if kind == "colon" and mark is not None:
            message = _colon_advice(text, mark.line, mark.column)
        elif kind == "key" and mark is not None and _line(text, mark.line).lstrip().startswith("- "):
            message = _ADVICE["list item"]
        elif (
            kind == "start"
            and mark is not None
            and _line(text, mark.line)[mark.column : mark.column + 1] == "\t"
        ):
            message = _ADVICE["tab"]
        elif kind is not None:
            message = _ADVICE[kind]
        else:
            message = f"cannot be read: {' '.join(described.split()) or 'not valid YAML'}"
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return message
    return f"line {mark.line + first_line}, column {mark.column + 1}: {message}"


_FIELD_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*): (.*\S)\s*$")


def _colon_advice(text: str, line: int, column: int) -> str:
    """The fix for an unquoted ': ' inside a value, shown on the communicator's own line;
    or, if the colon is the line's own (its field is indented under a text), the indent."""
    written = _line(text, line)
    if written.find(":") == column:
        return "this field is indented more than the one above it; line up the fields"
    found = _FIELD_LINE.match(written)
    if found is None or '"' in found[2] or len(found[0]) > 120:
        return _ADVICE["colon"]
    return (
        "a colon followed by a space inside a value; put the whole value in double quotes, "
        f'like {found[1]}: "{found[2]}"'
    )


def _line(text: str, number: int) -> str:
    """Line `number` (from 0) of `text`, or "" if it has fewer."""
    lines = text.split("\n", number + 1)
    return lines[number] if number < len(lines) else ""
