"""The reading side of an authority's news site: create_app wires everything together."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import alerts, caching, cli, i18n, languages, security
from webapp.config import from_environment
from webapp.live import LiveBuild
from webapp.views import context, errors, feeds, news, pages
from webapp.views import search as search_views  # not `search`: that is the webapp.search package


def create_app(config: dict | None = None) -> Flask:
    """Create the app. `config` overrides settings (tests point it at their own content)."""
    settings = from_environment(config)
    # The site's languages (content/site.yaml, read when the process starts), the default first.
    settings.update(LANGUAGES=languages.SITE, BABEL_DEFAULT_LOCALE=languages.DEFAULT)
    app = Flask(__name__, static_folder=str(settings["STATIC_DIR"]), static_url_path="/static")
    app.config.update(settings)
    app.extensions["live_build"] = LiveBuild(app.config["BUILDS_DIR"])

    i18n.init_app(app)
    security.init_app(app)
    in_language = f"/<any({','.join(app.config['LANGUAGES'])}):lang_code>"  # /sv/, /en/, ...
    app.register_blueprint(news.bp, url_prefix=in_language)
    app.register_blueprint(search_views.bp, url_prefix=in_language)
    app.register_blueprint(feeds.feeds_bp, url_prefix=in_language)
    app.register_blueprint(feeds.site_bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pages.localized_bp, url_prefix=in_language)
    alerts.init_app(app, in_language)
    context.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    caching.init_app(app)
    if app.config["PROXIES"]:
        # The client's address as the proxies in front saw it (the subscription form's limits).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXIES"], x_proto=app.config["PROXIES"])

    return app
