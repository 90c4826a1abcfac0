"""R10 moral evaluation (思想品德评价): not yet done, 合格 or 不合格, given by the class head."""

from __future__ import annotations

from lms.rules.results import RuleResult

MORAL_STATE_LABELS = {"missing": "未评价", "pass": "合格", "fail": "不合格"}


def moral_state(moral_ok: bool | None) -> str:
    """'missing' (None), 'pass' (True 合格) or 'fail' (False 不合格)."""
    if moral_ok is None:
        return "missing"
    return "pass" if moral_ok else "fail"


def moral_evaluation(moral_ok: bool | None) -> RuleResult:
    """R10 (blocking for graduation): the moral evaluation must exist and be 合格."""
    state = moral_state(moral_ok)
    reasons = {"missing": "思想品德评价未完成", "pass": "思想品德评价合格", "fail": "思想品德评价不合格"}
    return RuleResult("R10", state == "pass", True, reasons[state], {"state": state})
