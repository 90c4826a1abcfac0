"""双提升学员管理系统: the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: config → the request's transaction → extensions → blueprints (explicit list) → errors,
    filters, CLI."""
    from config.settings import load_config

    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"), instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(load_config(config_name, overrides))
    # JSON answers (the API, the offline bundle) carry Chinese as UTF-8, readable in logs and by the county's IT
    # staff, rather than as \uXXXX escapes; the Content-Type already says charset=utf-8.
    app.json.ensure_ascii = False
    from lms.web import transaction

    transaction.init_app(app)   # first: its after-request commit runs after every other after-request function
    if app.config.get("TODAY"):
        from lms.core import clock

        clock.set_today(app.config["TODAY"])
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    _init_extensions(app)
    from lms.web.numbers import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter     # before the blueprints add their rules
    _register_blueprints(app)
    _register_web(app)
    from lms.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from lms import models  # noqa: F401  (every table registered before the engine is used)
    from lms.core.db import configure_sqlite, render_migration_item
    from lms.core.migrate import init_migrate
    from lms.core.ratelimit import storage_uri
    from lms.extensions import babel, bootstrap, csrf, db, limiter, login_manager

    if app.config.get("RATELIMIT_STORAGE_URI", "sqlite") == "sqlite":   # counters shared by every worker process
        app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config["DATA_DIR"])
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    init_migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                 compare_type=True, render_item=render_migration_item)
    csrf.init_app(app)
    babel.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    from lms.core.queue import init_queue

    init_queue(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    # Off on purpose: with our permanent sessions "strong" only marks a session not fresh, and it binds to
    # an address phones change; lms.auth.sessions checks the session version and browser instead.
    login_manager.session_protection = None
    from lms.auth.services import dummy_password_hash
    from lms.auth.sessions import load_user

    login_manager.user_loader(load_user)
    if app.config.get("SUMMARIES_GUARD"):
        from lms.summaries import guard_declarations

        guard_declarations()
    # Made now, not by the first login of an unknown username (which would then take twice as long).
    dummy_password_hash(app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def _register_blueprints(app: Flask) -> None:
    from lms.api.spec import init_api
    from lms.api.views import bp as api_bp
    from lms.api.views.docs import bp as docs_bp
    from lms.api.views.keys import bp as keys_bp
    from lms.assessment.views import bp as assessment_bp
    from lms.assessment.views.graduation import bp as graduation_bp
    from lms.audit.views import bp as audit_bp
    from lms.auth.views import bp as auth_bp
    from lms.auth.views.users import bp as users_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.certificates.views.batches import bp as batches_bp
    from lms.certificates.views.verify import bp as verify_bp
    from lms.geo.views import bp as geo_bp
    from lms.home.views import bp as home_bp
    from lms.imports.views import bp as imports_bp
    from lms.inspection.views import bp as inspection_bp
    from lms.learners.views import bp as learners_bp
    from lms.learners.views.enrolment import bp as enrolment_bp
    from lms.learners.views.mylearning import bp as mylearning_bp
    from lms.learners.views.roster import bp as roster_bp
    from lms.policies.views import bp as policies_bp
    from lms.recognition.views import bp as recognition_bp
    from lms.reports.views import bp as reports_bp
    from lms.settings.views import bp as settings_bp
    from lms.teaching.views import bp as teaching_bp
    from lms.teaching.views.offline import bp as offline_bp
    from lms.teaching.views.plans import bp as plans_bp
    from lms.teaching.views.sessions import bp as sessions_bp

    for blueprint in (auth_bp, users_bp, home_bp, geo_bp, imports_bp, audit_bp, settings_bp,
                      roster_bp, enrolment_bp, learners_bp, mylearning_bp,
                      teaching_bp, sessions_bp, plans_bp, offline_bp, policies_bp,
                      assessment_bp, graduation_bp, recognition_bp,
                      certificates_bp, batches_bp, verify_bp, reports_bp, inspection_bp, keys_bp, docs_bp):
        app.register_blueprint(blueprint)
    init_api(app, api_bp)       # registers the API's blueprint and writes its OpenAPI document


def _register_web(app: Flask) -> None:
    from lms.web.access import can
    from lms.web.errors import register_error_handlers
    from lms.web.filters import register_filters
    from lms.web.nav import nav_for_current_user, nav_menu_for_current_user
    from lms.web.static_files import init_app as serve_static_files

    register_error_handlers(app)
    serve_static_files(app)
    register_filters(app)
    app.jinja_env.globals["nav_items"] = nav_for_current_user
    app.jinja_env.globals["nav_menu"] = nav_menu_for_current_user
    app.jinja_env.globals["can"] = can         # {% if can("plans.edit") %}: lms/auth/permissions.py decides

    @app.after_request
    def security_headers(response):
        # Everything is served locally: forbid third-party loads outright.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; media-src 'self' blob:; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
