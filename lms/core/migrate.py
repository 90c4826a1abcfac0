"""Flask-Migrate, bound to the app on first use: `flask db …`, or code reading app.extensions["migrate"]
(flask_migrate.upgrade in the tests and benchmarks, migrations/env.py).

Importing flask_migrate imports alembic, mako and pygments (≈0.3 s on a quiet machine) that every other
`flask` command, worker and web process never uses (tests/functional/core/test_lazy_imports.py)."""
from __future__ import annotations

from typing import Any

import click
from flask import Flask, g
from flask.cli import with_appcontext


def init_migrate(app: Flask, db, **options) -> None:
    """Stand-ins for Flask-Migrate's `db` command group and app.extensions["migrate"] that bind
    Flask-Migrate (Migrate().init_app(app, db, **options)) the first time either is used."""
    app.extensions["migrate"] = _LazyConfig(app, db, options)
    app.cli.add_command(_LazyGroup(app, db, options), name="db")


def _bind(app: Flask, db, options: dict[str, Any]):
    """Flask-Migrate's own configuration object, binding it first if only a stand-in is there."""
    if isinstance(app.extensions.get("migrate"), _LazyConfig):
        from flask_migrate import Migrate

        Migrate().init_app(app, db, **options)      # replaces both stand-ins with the real ones
    return app.extensions["migrate"]


class _LazyConfig:
    """app.extensions["migrate"] until read: then Flask-Migrate's _MigrateConfig."""

    def __init__(self, app: Flask, db, options: dict[str, Any]) -> None:
        self._args = (app, db, options)

    def __getattr__(self, name: str) -> Any:
        return getattr(_bind(*self._args), name)


def _remember(directory: str | None, x_arg: tuple[str, ...]) -> None:
    g.directory = directory
    g.x_arg = x_arg


class _LazyGroup(click.Group):
    """`flask db`: Flask-Migrate's command group, loaded when a subcommand is listed or run."""

    def __init__(self, app: Flask, db, options: dict[str, Any]) -> None:
        # The options and callback of Flask-Migrate's own group (flask_migrate.cli.db), which the subcommands
        # read from flask.g.
        super().__init__(name="db", help="Perform database migrations.", callback=with_appcontext(_remember), params=[
            click.Option(["-d", "--directory"], default=None, help='Migration script directory (default is "migrations")'),
            click.Option(["-x", "--x-arg"], multiple=True, help="Additional arguments consumed by custom env.py scripts"),
        ])
        self._args = (app, db, options)

    def _real(self) -> click.Group:
        _bind(*self._args)
        from flask_migrate.cli import db as group

        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._real().get_command(ctx, cmd_name)
