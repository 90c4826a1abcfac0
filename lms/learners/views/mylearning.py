"""我的学习 (no login): the learner's own page behind the QR code of their 学员证.

`/my/<card_token>` asks for the learner's birth date (three native selects), then shows their masked name,
photo, class, progress toward the hours requirement, this month's class days, their courses, credits from
certificates and awards, and their certificates with verification links — never an ID number or a phone.
The token alone opens nothing: a right birth date opens the page for MY_LEARNING_SESSION_MINUTES in this
browser (the signed session cookie names the card); wrong ones are counted per card, which locks for a while
after MY_LEARNING_MAX_FAILURES; every address is rate-limited (MY_LEARNING_RATE_LIMIT). Every view of the
page and every refused date is audited. A revoked or unknown token answers 404 with what to do.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, make_response, redirect, render_template, request, session, url_for

from lms.certificates.rendering import public_base_url, verify_url
from lms.core.clock import now_utc, today
from lms.core.db import write_after_read
from lms.extensions import db, limiter
from lms.learners.forms import BirthDateForm
from lms.learners.models import LearnerCard
from lms.learners.my_learning import card_by_token, my_learning
from lms.learners.services.cards import check_birth_date, record_self_view
from lms.web.access import public
from lms.web.saving import saving

bp = Blueprint("mylearning", __name__, url_prefix="/my")

# The session key of an opened 我的学习: which card, until when (a UTC timestamp).
SESSION_KEY = "my_learning"


def _rate_limit() -> str:
    return current_app.config.get("MY_LEARNING_RATE_LIMIT", "30 per minute")


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"     # the token is in the URL
    return response


def _opened(card: LearnerCard) -> bool:
    """True when this browser entered the right birth date for this very card, and not too long ago."""
    opened = session.get(SESSION_KEY)
    return (isinstance(opened, dict) and opened.get("card") == card.id
            and float(opened.get("until", 0)) > now_utc().timestamp())


def _expired():
    return _private(make_response(render_template("learners/my_learning_expired.html"), 404))


@bp.route("/<card_token>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit)
def show(card_token: str):
    card = card_by_token(card_token)
    if card is None or card.revoked:
        return _expired()
    form = BirthDateForm(today=today())
    if request.method == "POST":
        error = None
        if form.validate_on_submit():
            with saving(form, show=False) as saved:     # a refusal keeps the counted failure
                check_birth_date(card=card, birth_on=form.birth_on())
            if saved:
                minutes = current_app.config["MY_LEARNING_SESSION_MINUTES"]
                session[SESSION_KEY] = {"card": card.id,
                                        "until": (now_utc() + timedelta(minutes=minutes)).timestamp()}
                return redirect(url_for("mylearning.show", card_token=card_token))
            error = saved.error.message
        return _private(make_response(render_template("learners/my_learning_birth.html", form=form,
                                                      error=error, card_token=card_token)))
    if not _opened(card):
        return _private(make_response(render_template("learners/my_learning_birth.html", form=form,
                                                      error=None, card_token=card_token)))
    card_id = card.id
    with write_after_read(db.session):
        record_self_view(card=db.session.get(LearnerCard, card_id))
    card = db.session.get(LearnerCard, card_id)
    page = my_learning(card.learner, today())
    base = public_base_url()
    certificates = [(c, verify_url(c.token, base)) for c in page.certificates]
    return _private(make_response(render_template(
        "learners/my_learning.html", page=page, certificates=certificates, card_token=card_token,
        minutes_left=current_app.config["MY_LEARNING_SESSION_MINUTES"])))


@bp.post("/<card_token>/logout")
@public
@limiter.limit(_rate_limit)
def logout(card_token: str):
    session.pop(SESSION_KEY, None)
    return redirect(url_for("mylearning.show", card_token=card_token))
