"""The content domain: what an article is, how content files are read and rendered.

No Flask here: the build and the tests use it directly. The loader (and with it YAML,
Markdown and the sanitizer) is imported only when it is asked for: web workers read the
model of a build and never parse content.
"""

from webapp.content.model import Alert, Article, Content, ContentError, Page, Partner, Site, Topic, Withdrawal

__all__ = [
    "Alert",
    "Article",
    "Content",
    "ContentError",
    "ContentLoader",
    "Page",
    "Partner",
    "Site",
    "Topic",
    "Withdrawal",
    "load_content",
]


def __getattr__(name: str):
    if name in ("ContentLoader", "load_content"):
        from webapp.content import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
