"""R9 recognition of prior learning."""

from decimal import Decimal

import pytest

from lms.rules import ExemptionClaim, Policy, check_exemption

POLICY = Policy()


def internship_claim(years):
    return ExemptionClaim(basis="work_experience", requested="waived", course_id=9, course_name="顶岗实习",
                          course_kind="internship", course_credits=Decimal("6"), work_years=years)


@pytest.mark.parametrize(("years", "ok"), [
    (Decimal("1.9"), False), ("1.99", False), (Decimal("2"), True), (Decimal("2.0"), True),
    (2, True), ("2.5", True), (1.9, False), (Decimal("0"), False),
])
def test_work_experience_waives_the_internship_from_two_years(years, ok):
    decision = check_exemption(internship_claim(years), POLICY)
    assert decision.ok is ok
    assert decision.kind == ("waived" if ok else None)
    assert decision.credits == (Decimal("6") if ok else 0)


def test_1_9_years_is_refused_with_a_reason():
    decision = check_exemption(internship_claim(Decimal("1.9")), POLICY)
    assert decision.reason == "对口岗位工作 1.9 年，不足 2 年，不能免除顶岗实习"
    assert decision.rule.numbers["work_years"] == Decimal("1.9")


def test_2_0_years_is_accepted_with_a_reason():
    decision = check_exemption(internship_claim(Decimal("2.0")), POLICY)
    assert decision.reason == "对口岗位工作 2 年，满 2 年，免除顶岗实习《顶岗实习》，计 6 学分"


def test_waiver_years_are_a_setting():
    assert check_exemption(internship_claim(Decimal("1.9")), Policy(internship_waiver_min_years="1.5")).ok


def test_work_experience_without_years_is_refused():
    decision = check_exemption(internship_claim(None), POLICY)
    assert not decision.ok and decision.reason == "未填写对口岗位工作年限"


def test_work_experience_cannot_excuse_a_course_that_is_not_the_internship():
    claim = ExemptionClaim(basis="work_experience", course_name="种植技术", course_kind="skill", work_years=5)
    decision = check_exemption(claim, POLICY)
    assert not decision.ok
    assert decision.reason == "岗位工作经历只能免除顶岗实习，不能用于课程《种植技术》"


def test_work_experience_cannot_ask_for_exempt_study():
    claim = ExemptionClaim(basis="work_experience", requested="exempt_study", course_kind="internship",
                           work_years=5)
    assert not check_exemption(claim, POLICY).ok


def certificate_claim(**changes):
    values = {"basis": "certificate", "requested": "exempt_study", "course_id": 3, "course_name": "种植技术",
              "course_kind": "skill", "course_credits": Decimal("4"), "mapped_course_ids": frozenset({3, 4})}
    values.update(changes)
    return ExemptionClaim(**values)


@pytest.mark.parametrize(("requested", "label"), [("exempt_study", "免修"), ("exempt_exam", "免考")])
def test_a_certificate_exempts_a_mapped_skills_course_with_its_credits(requested, label):
    decision = check_exemption(certificate_claim(requested=requested), POLICY)
    assert decision.ok and decision.kind == requested and decision.credits == Decimal("4")
    assert decision.reason == f"凭职业资格证书/职业技能等级证书{label}课程《种植技术》，计 4 学分"


def test_a_certificate_does_not_exempt_an_unmapped_course():
    decision = check_exemption(certificate_claim(course_id=7), POLICY)
    assert not decision.ok and decision.credits == 0
    assert decision.reason == "该证书在学校的证书与课程对应表中不对应课程《种植技术》，不能免修"


def test_a_certificate_does_not_exempt_a_cultural_course_by_default():
    decision = check_exemption(certificate_claim(course_kind="cultural", course_name="读写算"), POLICY)
    assert not decision.ok
    assert decision.reason == "证书只能申请专业技能课的免修免考，课程《读写算》是文化课"


def test_exemptable_course_kinds_are_a_setting():
    policy = Policy(certificate_exempt_kinds=frozenset({"skill", "cultural"}))
    assert check_exemption(certificate_claim(course_kind="cultural"), policy).ok


def test_a_certificate_cannot_waive_or_grant_bare_credits():
    assert not check_exemption(certificate_claim(requested="waived"), POLICY).ok
    assert check_exemption(certificate_claim(requested=None), POLICY).reason == "凭证书只能申请课程免修或免考"


@pytest.mark.parametrize(("basis", "what"), [("competition", "竞赛获奖"), ("innovation", "发明创造/技术创新")])
def test_awards_and_innovations_grant_credits_only(basis, what):
    decision = check_exemption(ExemptionClaim(basis=basis, credits=Decimal("2")), POLICY)
    assert decision.ok and decision.kind is None and decision.credits == Decimal("2")
    assert decision.reason == f"{what}，给予 2 学分"


@pytest.mark.parametrize("requested", ["exempt_study", "exempt_exam", "waived"])
def test_awards_never_exempt_a_course(requested):
    decision = check_exemption(ExemptionClaim(basis="competition", requested=requested, credits=2), POLICY)
    assert not decision.ok and decision.credits == 0
    assert decision.reason == "竞赛获奖只能给予学分，不能免修、免考或免除课程"


def test_an_award_without_credits_is_refused():
    decision = check_exemption(ExemptionClaim(basis="innovation"), POLICY)
    assert not decision.ok and decision.reason == "发明创造/技术创新未填写给予的学分"


def test_unknown_basis_or_kind_is_an_error():
    with pytest.raises(ValueError):
        ExemptionClaim(basis="friendship")
    with pytest.raises(ValueError):
        ExemptionClaim(basis="certificate", requested="excused")
    with pytest.raises(ValueError):
        ExemptionClaim(basis="certificate", course_kind="hobby")
    with pytest.raises(ValueError):
        ExemptionClaim(basis="work_experience", work_years="two")
