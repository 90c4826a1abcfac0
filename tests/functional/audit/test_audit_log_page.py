"""The audit log speaks Chinese: every action the code records has a label, shown on the page."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from lms.audit.labels import ACTION_LABELS, ENTITY_LABELS, action_label
from lms.audit.services import record
from lms.extensions import db
from tests.factories import make_user

LMS = Path(__file__).resolve().parents[3] / "lms"


def _constants(node) -> list[str] | None:
    """The strings an expression can be: a constant, or either branch of `a if … else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def _argument(call: ast.Call, position: int, name: str):
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _expand(template: ast.JoinedStr, tree: ast.Module, path: Path) -> list[str]:
    """The values of an f-string action, for the two shapes the code uses."""
    source = ast.unparse(template)
    if source == "f'{importer.kind}.import'":
        from lms.imports.registry import importer_classes

        return [f"{kind}.import" for kind in importer_classes()]
    if source == "f'batch.{new}'":       # _step(..., new="submitted") in the same module
        return [f"batch.{k.value.value}" for node in ast.walk(tree) if isinstance(node, ast.Call)
                and _called(node) == "_step" for k in node.keywords if k.arg == "new"]
    raise AssertionError(f"{path}: teach this test the values of the action {source}")


def recorded() -> tuple[dict[str, str], dict[str, str]]:
    """Every action and object type passed to lms.audit.services.record/record_save in lms/ → where."""
    actions: dict[str, str] = {}
    entities: dict[str, str] = {}
    for path in sorted(LMS.rglob("*.py")):
        if path.parent.name == "audit":
            continue                    # the helpers themselves
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(LMS.parent)}:{node.lineno}"
            if _called(node) == "record" and len(node.args) >= 3:
                action = _argument(node, 1, "action")
                values = _constants(action)
                if values is None:
                    assert isinstance(action, ast.JoinedStr), f"{where}: an action that is not a string"
                    values = _expand(action, tree, path)
                actions.update((value, where) for value in values)
                entity = _constants(_argument(node, 2, "entity_type"))
                assert entity, f"{where}: an object type that is not a string"
                entities.update((value, where) for value in entity)
            elif _called(node) == "record_save":
                (entity,) = _constants(_argument(node, 1, "entity_type"))
                actions.update({f"{entity}.create": where, f"{entity}.update": where})
                entities[entity] = where
    return actions, entities


def test_every_recorded_action_has_a_chinese_label():
    actions, entities = recorded()
    assert len(actions) > 60 and "certificate.print_download" in actions and "roster.import" in actions
    missing = {action: where for action, where in actions.items() if action not in ACTION_LABELS}
    assert missing == {}, f"actions without a label in lms/audit/labels.py: {missing}"
    assert not set(ACTION_LABELS) - set(actions), "labels of actions nothing records"
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in ACTION_LABELS.values())
    assert {e: where for e, where in entities.items() if e not in ENTITY_LABELS} == {}
    assert set(ENTITY_LABELS) == set(entities), "labels of object types nothing records"


def test_the_log_shows_actions_and_objects_in_chinese_with_the_code_in_the_tooltip(client, login_as):
    login_as("admin")
    record(None, "certificate.print_download", "render_job", 7, summary="下载打印文件")
    record(None, "roster.view_id", "roster_entry", 3, summary="查看")
    db.session.flush()
    page = client.get("/audit/").get_data(as_text=True)
    assert '<td class="text-nowrap" title="certificate.print_download">下载证书打印文件</td>' in page
    assert f'title="render_job">{ENTITY_LABELS["render_job"]} #7<' in page
    assert action_label("roster.view_id") in page
    shown = re.sub(r'\s(title|value|name)="[^"]*"', "", page)
    assert "certificate.print_download" not in shown and "render_job" not in shown and "roster." not in shown


def test_an_unknown_old_action_is_shown_as_recorded(client, login_as):
    assert action_label("retired.action") == "retired.action"


def test_the_log_is_filtered_by_an_action_chosen_by_its_chinese_name(client, login_as):
    admin = login_as("admin")
    make_user("bureau")
    record(admin, "certificate.print", "render_job", 1, summary="打印甲")
    record(admin, "certificate.print_download", "render_job", 1, summary="下载乙")
    db.session.flush()
    page = client.get("/audit/").get_data(as_text=True)
    assert '<option value="certificate.print_download">下载证书打印文件</option>' in page
    assert "如 learner." not in page and 'placeholder="操作人、摘要或记录编号"' in page
    filtered = client.get("/audit/?action=certificate.print").get_data(as_text=True)
    assert "打印甲" in filtered and "下载乙" not in filtered
