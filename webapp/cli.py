"""Staff commands: `flask build` (load and validate content, write a new build and switch
to it), `flask content status` (the publishing report) and `flask content preview`.

Web workers import this module only to register the commands: what the commands use (the
loader, the build writer, the watcher) is imported when one runs, so a worker never loads
the content parsers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click
from babel.support import Translations
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from webapp import languages
from webapp.cli_search import search_group
from webapp.parallel import WorkerDied
from webapp.search import SearchError

if TYPE_CHECKING:
    from webapp.build import BuildWriter
    from webapp.content import Content, ContentLoader
    from webapp.report import WatchedReport


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
@click.option("--full", is_flag=True, help="Parse and index every article again, even unchanged ones.")
@click.option("--watch", is_flag=True, help="Then keep running, and build again as soon as content changes.")
@with_appcontext
def build_command(full: bool, watch: bool) -> None:
    """Validate content/ and switch the site to a fresh build of it."""
    from webapp.content import ContentError, ContentLoader

    config = current_app.config
    loader = ContentLoader(
        config["CONTENT_DIR"],
        external_link_label(config["TRANSLATIONS_DIR"]),
        cache_dir=config["CACHE_DIR"],
        fresh=full,  # every file parsed again, but a broken one keeps its last good version
    )
    from webapp.build import BuildWriter

    writer = BuildWriter(config["BUILDS_DIR"], keep=config["BUILDS_KEPT"])  # one for every build
    reading = _ProgressBar("Reading articles")
    state = None  # the report the watcher keeps printing when it changes
    try:
        content = loader.load(progress=reading.update)
    except ContentError as error:
        if not watch:
            raise click.ClickException(f"{error}\n{KEEPS_SERVING}") from error
        click.echo(f"{error}\n{KEEPS_SERVING}", err=True)
    else:
        count = len(content.articles)
        with click.progressbar(length=count, label="Indexing articles") as bar:
            try:
                path = writer.write(content, progress=bar.update, full=full)
            except WorkerDied as error:
                raise click.ClickException(f"{error}\n{KEEPS_SERVING}") from error
        click.echo(f"Built {count} article versions into {path}; it is now live.")
        _report_problems(content)
        state = _report_state(content, withdrawn=watch)  # a watcher keeps track of withdrawals
    if watch:
        _follow(loader, writer, state)


KEEPS_SERVING = "The site keeps serving the last good build."


def _report_state(
    content: Content, report: WatchedReport | None = None, withdrawn: bool = True
) -> WatchedReport:
    """What is scheduled, the drafts with their preview links, and withdrawn news, on
    stdout unless none of it changed since `report` last printed it."""
    from webapp.report import WatchedReport

    config = current_app.config
    report = report or WatchedReport(config["PREVIEW_SECRET"], config["PREVIEW_DAYS"], withdrawn)
    lines = report.lines(content, config["NOW"] or datetime.now(UTC))
    if lines is not None:
        click.echo("\n".join(lines))
    return report


def _report_problems(content: Content) -> None:
    """Files left out of the build, or kept at their last good version, on stderr."""
    from webapp.report import advice_section, problems_section

    if content.problems:
        click.echo("\n".join(problems_section(content.problems)), err=True)
    if content.advice:
        click.echo("\n".join(advice_section(content.advice)), err=True)


def _follow(loader: ContentLoader, writer: BuildWriter, state: WatchedReport | None = None) -> None:
    """Build again after every change to content/, reading only the files that changed."""
    import watchfiles

    from webapp.content import ContentError

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
                path = writer.write(content, tidy=False)  # live first; the index is tidied when idle
                untidy = True
                click.echo(f"Built {path} in {time.perf_counter() - started:.2f} s; it is now live.")
                _report_problems(content)
                state = _report_state(content, state)
            elif untidy and content is not None:  # half a second without a save
                untidy = False  # tried once: a failure is not retried every half second
                writer.write(content)
        except ContentError as error:
            click.echo(f"{error}\n{KEEPS_SERVING}", err=True)
        except (OSError, SearchError, WorkerDied) as error:  # a full disk, say: the next save tries again
            click.echo(f"The build could not be written: {error}\n{KEEPS_SERVING}", err=True)


content_group = AppGroup("content", help="Reports for staff: what is scheduled, drafts, problems.")


def _load_for_report() -> Content:
    from webapp.content import ContentError, ContentLoader

    config = current_app.config
    loader = ContentLoader(
        config["CONTENT_DIR"], external_link_label(config["TRANSLATIONS_DIR"]), cache_dir=config["CACHE_DIR"]
    )
    try:
        return loader.load()
    except ContentError as error:
        raise click.ClickException(str(error)) from error


@content_group.command("status")
def status_command() -> None:
    """The publishing report: scheduled, drafts with preview links, withdrawn, problems."""
    from webapp.report import publishing_report

    config = current_app.config
    content = _load_for_report()
    now = config["NOW"] or datetime.now(UTC)
    click.echo("\n".join(publishing_report(content, now, config["PREVIEW_SECRET"], config["PREVIEW_DAYS"])))


@content_group.command("preview")
@click.argument("key")
@click.argument("lang", default=languages.DEFAULT)
def preview_command(key: str, lang: str) -> None:
    """Print a preview link for the article KEY in LANG (a draft or scheduled version too),
    as the live build has it."""
    from webapp.live import LiveBuild
    from webapp.preview import PreviewError, make_token

    config = current_app.config
    try:
        build = LiveBuild(config["BUILDS_DIR"]).get()
    except SearchError as error:
        raise click.ClickException(str(error)) from error
    article = build.search.preview(key, lang)
    if article is None:
        raise click.ClickException(
            f"the live build has no article '{key}' in '{lang}': check the file name "
            f"(content/articles/{key}.{lang}.md) and that the last build included it"
        )
    try:
        token = make_token(config["PREVIEW_SECRET"], article)
    except PreviewError as error:
        raise click.ClickException(str(error)) from error
    days = config["PREVIEW_DAYS"]
    click.echo(f"{build.site.base_url}/{lang}/preview/{token}")
    click.echo(
        f"The link shows this version of '{article.title}' for {days} days; after an edit, make a new one."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(build_command)
    app.cli.add_command(content_group)
    app.cli.add_command(search_group)  # webapp/cli_search.py: `flask search report`
