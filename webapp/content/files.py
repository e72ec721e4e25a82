"""Finding content files: only regular files inside content/, never through a symbolic link.

A symbolic link could make the build read (and publish) /etc/passwd or anything else the
build user may read, or loop forever; so a link is reported and skipped, never followed.
Names starting with a dot (editors' lock and backup files, .git) are not content.
"""

from __future__ import annotations

import os
import re
import stat

from webapp.content.fields import IMAGE_FILE_MAX_BYTES
from webapp.content.yaml_reading import SYMLINK_MESSAGE, Unreadable, decode

Stamp = tuple[int, int]  # modification time in ns, size in bytes

NOT_REGULAR_MESSAGE = "is not a regular file; only plain files are published"
IMAGE_TYPES = (".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp")


def is_content_name(name: str) -> bool:
    """Whether a file or folder called `name` may be content (not an editor's own file)."""
    return not name.startswith(".")


def folder_problem(folder: str) -> str | None:
    """Why the content folder `folder` cannot be read (None: it can, or it does not exist)."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return SYMLINK_MESSAGE
    return None if stat.S_ISDIR(mode) else "must be a folder"


def walk(
    folder: str, suffix: str = "", *, recursive: bool = True
) -> tuple[list[tuple[str, Stamp]], list[tuple[str, str]]]:
    """Every regular file in `folder` (and its subfolders if `recursive`) whose name ends
    with `suffix`, with its stamp, in path order; and (path, message) for each symbolic
    link or other thing found instead."""
    found: list[tuple[str, Stamp]] = []
    refused: list[tuple[str, str]] = []
    problem = folder_problem(folder)
    if problem:
        return found, [(folder, problem)]
    pending = [folder] if os.path.isdir(folder) else []
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if not is_content_name(entry.name):
                    continue
                if entry.is_symlink():
                    refused.append((entry.path, SYMLINK_MESSAGE))
                elif entry.is_dir(follow_symlinks=False):
                    if recursive:
                        pending.append(entry.path)
                elif entry.name.endswith(suffix):
                    if entry.is_file(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                        found.append((entry.path, (info.st_mtime_ns, info.st_size)))
                    else:  # a named pipe would block a reader forever
                        refused.append((entry.path, NOT_REGULAR_MESSAGE))
    return sorted(found), sorted(refused)


def find_images(folder: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The images in `folder`: name (relative, with /) -> path, for each regular file of an
    image type whose content is of that type; and (path, message) for everything else."""
    return _find(folder, image_problem)


def _find(folder: str, problem_of) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The files in `folder` of which `problem_of(path, size)` finds nothing wrong, by name;
    and (path, message) for the others and for what is not a regular file."""
    files, refused = walk(folder)
    found = {}
    for path, (_, size) in files:
        problem = problem_of(path, size)
        if problem:
            refused.append((path, problem))
        else:
            found[os.path.relpath(path, folder).replace(os.sep, "/")] = path
    return found, sorted(refused)


def image_problem(path: str, size: int) -> str | None:
    """Why the file at `path` is not an image we publish, or None if it is one."""
    kind = os.path.splitext(path)[1].lower()
    if kind not in IMAGE_TYPES:
        return f"is not an image of a type that is published ({', '.join(IMAGE_TYPES)}); it is not published"
    if size > IMAGE_FILE_MAX_BYTES:
        return f"is larger than {IMAGE_FILE_MAX_BYTES // 1024 // 1024} MB; make the image smaller"
    try:
        head = _read_start(path, IMAGE_FILE_MAX_BYTES if kind == ".svg" else 64)
    except Unreadable as error:
        return str(error)
    if kind == ".svg":
        return _svg_problem(head)
    if not _SNIFF[kind](head):
        return f"is not a {kind[1:].upper()} image, though its name says so; save it again as one"
    return None


def _read_start(path: str, count: int) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise Unreadable(
            SYMLINK_MESSAGE if os.path.islink(path) else f"cannot be read: {error.strerror}"
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Unreadable(NOT_REGULAR_MESSAGE)
        return os.read(descriptor, count)
    finally:
        os.close(descriptor)


def _is_avif(head: bytes) -> bool:
    # An ISO media file ("ftyp" box first) whose brands include AVIF's.
    return head[4:8] == b"ftyp" and (b"avif" in head[8:64] or b"avis" in head[8:64])


_SNIFF = {
    ".png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    ".jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    ".gif": lambda head: head.startswith((b"GIF87a", b"GIF89a")),
    ".webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    ".avif": _is_avif,
}
# An SVG is a document that a browser runs scripts in when it is opened on its own.
_SVG_ACTIVE = ("<script", "javascript:", "<foreignobject", "<iframe", "<embed", "<object")


def _svg_problem(data: bytes) -> str | None:
    try:
        text = decode(data).lstrip()
    except Unreadable:
        return "is not an SVG image (it is not UTF-8 text); save it again as SVG"
    if not text.startswith(("<svg", "<?xml")):
        return "is not an SVG image (it does not start with <svg or <?xml); save it again as SVG"
    lowered = text.lower()
    if any(active in lowered for active in _SVG_ACTIVE) or _EVENT_ATTRIBUTE.search(lowered):
        return "is an SVG image with scripts or embedded content, which are not published; remove them"
    return None


_EVENT_ATTRIBUTE = re.compile(r"[\s/\"']on[a-z]+\s*=")  # onload=, onclick=, ...


# Videos and their captions (content/media/): files the site sends as they are, so only
# these types, each checked to be what its name says (video/webm, video/mp4, text/vtt).
MEDIA_TYPES = (".mp4", ".vtt", ".webm")
VIDEO_FILE_MAX_BYTES = 500 * 1024 * 1024
CAPTIONS_FILE_MAX_BYTES = 1024 * 1024


def find_media(folder: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The videos and caption files in `folder`, as `find_images` finds images."""
    return _find(folder, media_problem)


def media_problem(path: str, size: int) -> str | None:
    """Why the file at `path` is not a video or caption file we publish, or None."""
    kind = os.path.splitext(path)[1].lower()
    if kind not in MEDIA_TYPES:
        kinds = ", ".join(MEDIA_TYPES)
        return f"is not a file of a type that is published here ({kinds}); it is not published"
    limit = CAPTIONS_FILE_MAX_BYTES if kind == ".vtt" else VIDEO_FILE_MAX_BYTES
    if size > limit:
        return f"is larger than {limit // 1024 // 1024} MB; make the file smaller"
    try:
        head = _read_start(path, limit if kind == ".vtt" else 64)
    except Unreadable as error:
        return str(error)
    if kind == ".vtt":
        return _captions_problem(head)
    if kind == ".webm" and not head.startswith(b"\x1a\x45\xdf\xa3"):
        return "is not a WebM video, though its name says so; save or export it again as WebM"
    if kind == ".mp4" and head[4:8] != b"ftyp":
        return "is not an MP4 video, though its name says so; save or export it again as MP4"
    return None


def _captions_problem(data: bytes) -> str | None:
    """A WebVTT file is UTF-8 text starting with WEBVTT (browsers ignore anything else)."""
    try:
        text = decode(data.removeprefix(b"\xef\xbb\xbf"))
    except Unreadable:
        return "is not a WebVTT caption file (it is not UTF-8 text); save it again as WebVTT (.vtt)"
    if not re.match(r"WEBVTT(?:[ \t]|\r?\n|$)", text):
        return "is not a WebVTT caption file: its first line must be WEBVTT"
    if "-->" not in text:
        return "has no captions: a WebVTT file needs cues like '00:00:01.000 --> 00:00:04.000'"
    return None
