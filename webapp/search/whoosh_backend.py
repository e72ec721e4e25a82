"""The Whoosh implementation of SearchBackend. Whoosh stays inside this module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Not, NullQuery, Or, Term

from webapp.content.model import Article
from webapp.search import ArticleQuery, ResultPage, SearchBackend, SearchError

SCHEMA = Schema(
    # "<lang>:<slug>": one document per language version.
    id=ID(unique=True, stored=True),
    # Shared by the language versions of one article.
    key=ID(stored=True),
    # The version's language code; every list and search is filtered by it.
    lang=ID(stored=True),
    slug=ID(stored=True),
    # Topic and partner ids: exact values, several per article.
    topics=KEYWORD(commas=True),
    partners=KEYWORD(commas=True),
    # Sort key for "newest first".
    published=DATETIME(sortable=True),
    # Full-text fields; the search issue gives each language its own analysis.
    title=TEXT(analyzer=StandardAnalyzer(), field_boost=2.0),
    lead=TEXT(analyzer=StandardAnalyzer()),
    body=TEXT(analyzer=StandardAnalyzer()),
    # Everything a page shows, so workers never read content files.
    article=STORED,
)


def _document(article: Article) -> dict:
    return {
        "id": f"{article.lang}:{article.slug}",
        "key": article.key,
        "lang": article.lang,
        "slug": article.slug,
        "topics": ",".join(article.topics),
        "partners": ",".join(article.partners),
        "published": article.published_at.replace(tzinfo=None),
        "title": article.title,
        "lead": article.lead,
        "body": article.body_text,
        "article": article,
    }


class WhooshBackend(SearchBackend):
    """Answers queries from a Whoosh index directory written by `write`."""

    def __init__(self, directory: Path):
        try:
            self._index = index.open_dir(str(directory))
        except Exception as error:  # Whoosh raises many types; none may leave this module
            raise SearchError(f"cannot open the search index in {directory}: {error}") from error
        self._searcher = self._index.searcher()

    @classmethod
    def write(cls, directory: Path, articles: Iterable[Article], progress: Callable[[int], None]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        created = index.create_in(str(directory), SCHEMA)
        writer = created.writer(limitmb=256)
        for article in articles:
            writer.add_document(**_document(article))
            progress(1)
        writer.commit()

    def _stored(self, query, limit: int | None = 1, **options) -> list[Article]:
        return [hit["article"] for hit in self._searcher.search(query, limit=limit, **options)]

    def article(self, lang: str, slug: str) -> Article | None:
        found = self._stored(Term("id", f"{lang}:{slug}"))
        return found[0] if found else None

    def versions(self, key: str) -> dict[str, Article]:
        return {article.lang: article for article in self._stored(Term("key", key), limit=None)}

    def by_slug_in_any_language(self, slug: str) -> list[Article]:
        return self._stored(Term("slug", slug), limit=None)

    def _filter(self, query: ArticleQuery):
        clauses = [Term("lang", query.lang)]
        if query.topics:
            clauses.append(Or([Term("topics", topic) for topic in query.topics]))
        if query.partners:
            clauses.append(Or([Term("partners", partner) for partner in query.partners]))
        return And(clauses)

    def _text_query(self, text: str):
        # Plain words only: the reader's text is never Whoosh syntax (no fields, no wildcards).
        words = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split()[:32])
        if not words:
            return NullQuery
        parser = MultifieldParser(["title", "lead", "body"], SCHEMA, group=OrGroup.factory(0.9))
        return parser.parse(words)

    def list_articles(self, query: ArticleQuery) -> ResultPage:
        if query.text:
            sort = {"sortedby": None}
            matcher = And([self._text_query(query.text), self._filter(query)])
        else:
            sort = {"sortedby": "published", "reverse": True}
            matcher = self._filter(query)
        results = self._searcher.search_page(matcher, query.page, pagelen=query.page_size, **sort)
        # Whoosh clamps a page past the end to the last page; report it as empty instead.
        articles = [hit["article"] for hit in results] if results.pagenum == query.page else []
        return ResultPage(articles=articles, total=results.total, page=query.page, page_size=query.page_size)

    def related(self, article: Article, limit: int = 3) -> list[Article]:
        shared = [Term("topics", topic) for topic in article.topics]
        shared += [Term("partners", partner, boost=2.0) for partner in article.partners]
        if not shared:
            return []
        query = And([Term("lang", article.lang), Or(shared), Not(Term("key", article.key))])
        return self._stored(query, limit=limit)

    def counts(self, lang: str) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {"topics": {}, "partners": {}}
        in_language = set(self._searcher.docs_for_query(Term("lang", lang)))
        for field, per_value in counts.items():
            for value in self._searcher.lexicon(field):
                value = value.decode("utf-8")
                docs = self._searcher.docs_for_query(Term(field, value))
                number = len(in_language.intersection(docs))
                if number:
                    per_value[value] = number
        return counts

    def close(self) -> None:
        self._searcher.close()


__all__ = ["WhooshBackend"]
