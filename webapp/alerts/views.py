"""The subscription pages: ask for e-mails about a list, confirm, stop, and what we store.

The only pages of the site with a form that writes, and still cookie-free. A forged
request from another site is stopped by the browser's own headers (Sec-Fetch-Site, else
Origin must be this site) and by the form's signed token, which is good for a few hours.
Every answer to a request is the same whether or not the address is subscribed; the
e-mail tells its owner, and no one else, what happened. Responses are never stored by a
cache (they hold tokens or the reader's own input).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from webapp.alerts import address as addresses
from webapp.alerts import signing
from webapp.alerts.choice import FREQUENCIES, Choice
from webapp.alerts.schema import MAX_FILTERS
from webapp.alerts.secret import secret
from webapp.alerts.store import Limits, RateLimited, Store
from webapp.i18n import current_language
from webapp.live import now
from webapp.views import live_build, localized_names
from webapp.views.errors import render_error
from webapp.views.filters import parse_filters

bp = Blueprint("alerts", __name__)

FORM_VALID_FOR = 3 * 3600  # seconds a form may stay open before it is sent


def store() -> Store:
    return current_app.extensions["alerts_store"]


def _secret() -> str:
    return secret(current_app)


def _choice_from_request() -> tuple[Choice, list[str]]:
    """The news asked for, from the list's own query arguments, with the list's notes."""
    filters = parse_filters(request, live_build())
    lang = current_language()
    return Choice(lang, filters.topics, filters.partners, filters.text), filters.notes


def _described(choice: Choice) -> str:
    topic_names, partner_names = localized_names(live_build(), choice.lang)
    return choice.describe(topic_names, partner_names)


def _list_url(choice: Choice) -> str:
    endpoint = "search.search" if choice.text else "news.news_list"
    return url_for(endpoint, **choice.query_args())


def _same_site() -> bool:
    """Whether the browser says this request comes from this site's own page. A browser
    sends Sec-Fetch-Site (all current ones) or at least Origin on a POST; a request
    without either is not a browser's, and is judged by the token alone."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    # The host alone: behind a proxy that ends TLS, the app sees http where the page was https.
    return urlsplit(origin).netloc == request.host


def _refuse_unless_same_site() -> None:
    if not _same_site():
        abort(403, description=_("This form can only be sent from this site's own page."))


def _expired():
    abort(404, description=_("This confirmation link is not valid any more. Ask for the e-mails again."))


@bp.route("/alerts/new", methods=["GET", "POST"])
def subscribe():
    """The form: what the e-mails will be about, an address and how often."""
    choice, notes = _choice_from_request()
    errors: dict[str, str] = {}
    address, frequency = "", "immediately"
    if request.method == "POST":
        _refuse_unless_same_site()
        address = request.form.get("address", "")[:1000]
        frequency = request.form.get("frequency", "")
        if not signing.read_form_token(
            _secret(), request.form.get("token", ""), choice.lang, now(), FORM_VALID_FOR
        ):
            errors["address"] = _("The form was open too long. Send it again.")
        problem = addresses.problem(address)
        if problem:
            errors["address"] = problem
        if len(choice.to_json()) > MAX_FILTERS:
            errors["news-chosen"] = _("Choose fewer topics and partners for one subscription.")
        if frequency not in FREQUENCIES:
            errors["frequency-immediately"] = _("Choose how often you want e-mails.")
        if not errors:
            try:
                store().request(
                    addresses.normalized(address),
                    choice,
                    frequency,
                    request.remote_addr or "",
                    now(),
                    _limits(),
                )
            except RateLimited as limited:
                return _too_many(limited.kind, choice)
            return redirect(url_for("alerts.requested", **choice.query_args()), code=303)
    return render_template(
        "alerts/subscribe.html",
        news=_described(choice),
        choice=choice,
        notes=notes,
        errors=errors,
        address=address,
        frequency=frequency,
        token=signing.form_token(_secret(), choice.lang, now()),
        list_url=_list_url(choice),
    )


def _limits() -> Limits:
    config = current_app.config
    return Limits(config["ALERTS_PER_ADDRESS_A_DAY"], config["ALERTS_PER_CLIENT_AN_HOUR"])


def _too_many(kind: str, choice: Choice):
    if kind == "address":
        message = _("This address has been sent many confirmation e-mails today. Try again tomorrow.")
    else:
        message = _("Too many subscriptions have been asked for from your network. Try again in an hour.")
    html = render_template("alerts/message.html", heading=_("Try again later"), message=message,
                           list_url=_list_url(choice))  # fmt: skip
    return html, 429, {"Retry-After": "3600"}


@bp.get("/alerts/sent")
def requested():
    """After the form: look in your inbox (said the same whatever the address)."""
    choice, _notes = _choice_from_request()
    return render_template("alerts/requested.html", news=_described(choice), list_url=_list_url(choice))


def _subscription_from(purpose: str, token: str):
    public_id = signing.read_link_token(_secret(), purpose, token)
    return store().get(public_id) if public_id else None


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link in the confirmation e-mail: a button, so a mail scanner that opens links
    confirms nothing; the button confirms."""
    subscription = _subscription_from("confirm", token)
    hours = current_app.config["ALERTS_CONFIRM_HOURS"]
    if subscription is None or (
        subscription.confirmed_at is None and subscription.created_at < now() - timedelta(hours=hours)
    ):
        _expired()
    if request.method == "POST":
        _refuse_unless_same_site()
        subscription = store().confirm(subscription.public_id, now(), timedelta(hours=hours))
        if subscription is None:
            _expired()
    return render_template(
        "alerts/confirm.html",
        subscription=subscription,
        news=_described(subscription.choice),
        list_url=_list_url(subscription.choice),
    )


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop the e-mails: a button on the page, or one click in the mail program (RFC 8058:
    it POSTs "List-Unsubscribe=One-Click" to this address, from no page of ours)."""
    subscription = _subscription_from("unsubscribe", token)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and not one_click:
        _refuse_unless_same_site()
    if request.method == "POST":
        if subscription is not None:
            store().unsubscribe(subscription.public_id)
        return render_template("alerts/unsubscribed.html")
    if subscription is None:
        # Already gone (or never ours): saying so tells nothing about any address.
        return render_template("alerts/unsubscribed.html")
    return render_template(
        "alerts/unsubscribe.html", news=_described(subscription.choice), subscription=subscription
    )


@bp.get("/alerts/privacy")
def privacy():
    """What is stored about subscribers, why, for how long, and how to have it deleted."""
    return render_template("alerts/privacy.html", confirm_hours=current_app.config["ALERTS_CONFIRM_HOURS"])


@bp.errorhandler(SQLAlchemyError)
def database_unavailable(error):
    """The subscribers' database cannot answer (down, or not migrated): the reader is told
    to come back, the reading site is untouched, and staff find the error in the log."""
    current_app.logger.error("alerts database: %s", error)
    return render_error(503, _("E-mail subscriptions are not available right now. Try again later."))


@bp.after_request
def never_stored(response):
    """Tokens and the reader's own input: no cache keeps these pages, no search engine lists
    them, and no link on them passes the address (with its token) on."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
