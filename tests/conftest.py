"""Fixtures shared by every test: tiny content trees, the demo build, the app and client."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from webapp import create_app
from webapp.build import write_build
from webapp.cli import external_link_label
from webapp.config import PROJECT_ROOT
from webapp.content import load_content

DEMO_CONTENT = PROJECT_ROOT / "content"
TRANSLATIONS = PROJECT_ROOT / "translations"
LABEL = external_link_label(TRANSLATIONS)


class ContentTree:
    """A minimal valid content folder in tmp_path that a test adds to."""

    def __init__(self, root: Path):
        self.root = root
        self.write(
            "site.yaml",
            """
            name: {sv: Testmyndigheten, en: The Test Authority}
            base_url: https://news.example.se
            postal_address: 123 45 Teststad
            organisation_number: 202100-0000
            """,
        )
        self.write("topics/klimat.yaml", "name: {sv: Klimat, en: Climate}")
        self.write(
            "partners/chalmers.yaml", "name: {sv: Chalmers, en: Chalmers}\nwebsite: https://chalmers.example"
        )
        (root / "images").mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def article(self, key: str, lang: str = "sv", body: str = "Brödtext.", **fields) -> Path:
        """Write one article version; `fields` override the front matter (None removes one)."""
        front = {
            "title": f"Rubrik {key} {lang}",
            "lead": f"Ingress för {key}.",
            "published": "2024-05-02 09:30",
            "topics": "[klimat]",
        }
        front.update(fields)
        lines = "\n".join(f"{name}: {value}" for name, value in front.items() if value is not None)
        return self.write(f"articles/{key}.{lang}.md", f"---\n{lines}\n---\n{textwrap.dedent(body)}\n")

    def load(self):
        return load_content(self.root, LABEL)


@pytest.fixture
def content_tree(tmp_path) -> ContentTree:
    return ContentTree(tmp_path / "content")


def make_app(builds_dir: Path, **config):
    """The app reading `builds_dir`; its article cache sits beside it, never in the project."""
    settings = {
        "BUILDS_DIR": builds_dir,
        "CACHE_DIR": Path(builds_dir).parent / "article-cache",
        "TESTING": True,
    }
    return create_app({**settings, **config})


@pytest.fixture(scope="session")
def demo_builds(tmp_path_factory) -> Path:
    """The demo content built once for the whole test run."""
    builds = tmp_path_factory.mktemp("demo-builds")
    write_build(load_content(DEMO_CONTENT, LABEL), builds)
    return builds


@pytest.fixture(scope="session")
def demo_content():
    return load_content(DEMO_CONTENT, LABEL)


@pytest.fixture
def app(demo_builds):
    return make_app(demo_builds)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the run (tests/postgres.py)."""
    from tests.postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def alerts_database(request, tmp_path) -> str:
    """A fresh, empty alerts database: each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/alerts.sqlite3"
    return request.getfixturevalue("postgres").database()


@pytest.fixture
def mail_server():
    """A real SMTP server on loopback that keeps what it receives (tests/mail_server.py)."""
    from tests.mail_server import MailServer

    with MailServer() as server:
        yield server
