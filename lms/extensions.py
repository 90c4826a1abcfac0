"""Flask extensions, created unbound here and bound to the app in create_app() (Flask-Migrate on first use:
lms.core.migrate)."""
from __future__ import annotations

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from lms.core.db import Base

# create_savepoint: when a session is bound to a connection that already has a transaction
# (the test suite's rollback-per-test), commit() releases a SAVEPOINT instead of committing.
# With a plain engine (every real deployment) it changes nothing.
db = SQLAlchemy(model_class=Base, session_options={"join_transaction_mode": "create_savepoint"})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
