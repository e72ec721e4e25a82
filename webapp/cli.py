"""`flask build`: load and validate content, write a new build and switch to it."""

from __future__ import annotations

import click
from babel.support import Translations
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.build import write_build
from webapp.content import ContentError, load_content


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
@with_appcontext
def build_command(full: bool) -> None:
    """Validate content/ and switch the site to a fresh build of it."""
    config = current_app.config
    label = external_link_label(config["TRANSLATIONS_DIR"])
    reading = _ProgressBar("Reading articles")
    try:
        cache = None if full else config["CACHE_DIR"]
        content = load_content(config["CONTENT_DIR"], label, cache_dir=cache, progress=reading.update)
    except ContentError as error:
        raise click.ClickException(f"{error}\nThe site keeps serving the last good build.") from error
    finally:
        reading.close()
    count = len(content.articles)
    with click.progressbar(length=count, label="Indexing articles") as bar:
        path = write_build(
            content, config["BUILDS_DIR"], keep=config["BUILDS_KEPT"], progress=bar.update, full=full
        )
    click.echo(f"Built {count} article versions into {path}; it is now live.")


def init_app(app: Flask) -> None:
    app.cli.add_command(build_command)
