"""Every `flask` command and every worker starts without the heavy libraries a few pages need: WeasyPrint
(1–2 s of imports) loads on the first PDF, pypinyin's phrase dictionary on the first name searched or saved,
openpyxl on the first .xlsx written, pypdf on the first print joined, Flask-Migrate (alembic, mako, pygments) on the first `flask db` command."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("weasyprint", "pypinyin", "openpyxl", "flask_migrate", "alembic", "mako", "pygments", "pypdf")
CHECK = f"""
import sys
HEAVY = {HEAVY!r}
from lms import create_app
app = create_app("testing", overrides={{"SQLALCHEMY_DATABASE_URI": "sqlite://", "DATA_DIR": sys.argv[1]}})
with app.app_context():
    app.test_client().get("/login")
print(sorted(name for name in HEAVY if name in sys.modules))
"""


def test_the_app_starts_and_serves_a_page_without_the_heavy_libraries(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                          env={"LMS_INSTANCE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": ":".join(sys.path)}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_first_pdf_and_the_first_name_load_them():
    from lms.core.pdf import render_pdf
    from lms.learners.pinyin import name_initials

    assert render_pdf("<p>测试</p>").startswith(b"%PDF") and name_initials("王德才") == "wdc"
    assert {"weasyprint", "pypinyin"} <= set(sys.modules)


def test_the_first_workbook_loads_openpyxl():
    from lms.core.xlsx import Sheet, workbook_bytes

    data = workbook_bytes([Sheet(title="名单", headers=["姓名"], rows=[["=1+1"]], printable=True, fill_columns=[0])])
    assert data.startswith(b"PK") and "openpyxl" in sys.modules


def test_flask_db_binds_flask_migrate_on_first_use(app):
    assert "upgrade" in app.test_cli_runner().invoke(args=["db", "--help"]).output
    result = app.test_cli_runner().invoke(args=["db", "-x", "unused=1", "heads"])
    assert result.exit_code == 0, result.output
    assert type(app.extensions["migrate"]).__name__ == "_MigrateConfig"
    assert app.extensions["migrate"].directory.endswith("migrations")
