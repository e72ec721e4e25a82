"""`flask build`: load and validate content, write a new build and switch to it."""

from __future__ import annotations

import time
from pathlib import Path

import click
import watchfiles
from babel.support import Translations
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.build import write_build
from webapp.content import Content, ContentError, ContentLoader
from webapp.search import SearchError


def external_link_label(translations_dir) -> callable:
    """The hidden 'link to another website' text per language, from our catalogues."""

    def label(lang: str) -> str:
        return Translations.load(str(translations_dir), [lang]).gettext("link to another website")

    return label


class _ProgressBar:
    """A click progress bar that appears once its total is known."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label)
            self.bar.__enter__()
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("build")
@click.option("--full", is_flag=True, help="Index every article again, even unchanged ones.")
@click.option("--watch", is_flag=True, help="Then keep running, and build again as soon as content changes.")
@with_appcontext
def build_command(full: bool, watch: bool) -> None:
    """Validate content/ and switch the site to a fresh build of it."""
    config = current_app.config
    loader = ContentLoader(
        config["CONTENT_DIR"],
        external_link_label(config["TRANSLATIONS_DIR"]),
        cache_dir=None if full else config["CACHE_DIR"],
    )
    reading = _ProgressBar("Reading articles")
    try:
        content = loader.load(progress=reading.update)
    except ContentError as error:
        if not watch:
            raise click.ClickException(f"{error}\n{KEEPS_SERVING}") from error
        click.echo(f"{error}\n{KEEPS_SERVING}", err=True)
    else:
        count = len(content.articles)
        with click.progressbar(length=count, label="Indexing articles") as bar:
            path = _write(content, progress=bar.update, full=full)
        click.echo(f"Built {count} article versions into {path}; it is now live.")
    if watch:
        _follow(loader)


KEEPS_SERVING = "The site keeps serving the last good build."


def _write(content: Content, **options) -> Path:
    config = current_app.config
    return write_build(content, config["BUILDS_DIR"], keep=config["BUILDS_KEPT"], **options)


def _follow(loader: ContentLoader) -> None:
    """Build again after every change to content/, reading only the files that changed."""
    # step: a change is built once no other change follows within 50 ms (an editor's save
    # is often several writes and a rename). The watcher starts with the first iteration;
    # an empty set of changes every half second is how we learn that it has started.
    watching, content, untidy = False, None, False
    for changes in watchfiles.watch(
        loader.root, step=50, rust_timeout=500, yield_on_timeout=True, raise_interrupt=False
    ):
        if not watching:
            click.echo(f"Watching {loader.root} for changes; press Ctrl+C to stop.")
            watching = True
        started = time.perf_counter()
        try:
            if changes:
                content = loader.apply(path for _, path in changes)
                path = _write(content, tidy=False)  # live first; the index is tidied when idle
                untidy = True
                click.echo(f"Built {path} in {time.perf_counter() - started:.2f} s; it is now live.")
            elif untidy and content is not None:  # half a second without a save
                untidy = False  # tried once: a failure is not retried every half second
                _write(content)
        except ContentError as error:
            click.echo(f"{error}\n{KEEPS_SERVING}", err=True)
        except (OSError, SearchError) as error:  # a full disk, say: the next save tries again
            click.echo(f"The build could not be written: {error}\n{KEEPS_SERVING}", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(build_command)
