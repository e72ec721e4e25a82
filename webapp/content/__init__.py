"""The content domain: what an article is, how content files are read and rendered.

No Flask here: the build and the tests use it directly.
"""

from webapp.content.loader import ContentLoader, load_content
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
