"""The policy engine: pure rules of the 职业技能学历双提升工程, frozen facts in, decisions with reasons out.

Contract
--------
* Standard library only; no Flask, no database, no other ``lms`` package (a test checks it).
* The date is always an argument (``as_of``), never read from a clock.
* Hours are integers in PARTS of a 学时 everywhere: 1/60 of a 学时 (``PARTS_PER_HOUR``; 360 学时 = 21600,
  8 学时 = 480), whatever the 学时's length in clock minutes (``Policy.hour_length_minutes``, default 45).
  Columns and settings holding them are named ``minutes`` for history: a part is a clock minute only when a
  学时 is 60 minutes. Clock minutes (a platform's 学习时长) become parts once, on import, by
  ``parts_from_clock_minutes`` (see ``units``); money in fen (1,500 元 = 150000);
  credits, work years and the minimum credits are Decimals.
* Every judgement is a :class:`RuleResult` (code, ok, blocking, Chinese reason, numbers).
* Every number or setting lives in :class:`Policy` (county defaults; JSON round-trip via
  ``Policy.from_mapping`` / ``to_mapping``; invalid values raise :class:`PolicyError` with a
  Chinese message naming the field; ``POLICY_FIELDS`` describes each for a generic form).

Modules
-------
units (the stored unit of hours, clock minutes → parts) · vocab (codes and labels) · formatting (format_hours, format_yuan …) · results (RuleResult) ·
policy · facts (HourTotals, CourseFacts, LearnerFacts, SessionFacts) · age (R1) ·
targets (R2) · periods (R3 dates, R12 re-sit window) · cadence (R4) · hours (R5, R6) ·
courses (R7, R8, course standing) · exemptions (R9) · moral (R10) ·
graduation (R11–R13) · funding (R14) · evaluation (everything for one learner) ·
cohort (R1–R3, R5, R6 for many learners of one policy, as `flask lms hours` judges them) ·
studying (whether a learner studies on a day: sheets, cards and every hours record) ·
crediting (which attendance earns hours and how many minutes, each record's hour category, the daily cap).

Semantics chosen
----------------
* R1: full years on the enrolment date; a 29 February birthday falls on 1 March in a common
  year; the range min_age–max_age is inclusive (15–59; the province's 16 is a setting).
* R3: ``study_period_end`` is the LAST day of the period, i.e. the day before the N-th
  anniversary of enrolment (2023-03-01 + 3 years → 2026-02-28; 2024-02-29 + 1 → 2025-02-28).
  ``LearnerFacts.period_end_on`` overrides it (e.g. after a suspension).
* R4: see ``cadence``: per-date sums, face and live both concentrated; a month needs one full day
  (or, by ``cadence_month_by``, its sessions added up); trainings are runs of session dates with at
  most ``cadence_gap_days`` empty days between, never split at year end: one across New Year counts
  whole in the year it began (or, by ``cadence_year_by``, the year of most of its days); the
  running month never fails.
* R5 is a warning (S+P ≥ F+L, sides are settings); R6 blocks (S+P+L ≥ 21600, categories a
  setting). Partial hours show one decimal, rounded down for progress and up for a shortfall.
* R7/R8: unfinished assignments block a course even if scores exist; the best passing score
  counts; a retake (补考通过) is when the first attempt failed. 免修/免考/waived courses need no
  result and earn the course's credits; awarded extra credits always count.
* R9: certificates → 免修/免考 of mapped courses of kinds in ``certificate_exempt_kinds``
  (skills courses by default, as the plan says 专业课程); ≥ 2 years (Decimal) of matching work
  waives the internship; competitions and innovations grant credits only.
* R11–R13: see ``graduation``: left (转出/注销/死亡), then withdrawn first; eligible = 思想品德合格 + every course passed
  or excused + R6 (+ minimum credits if set); before the last day → early_graduate/continue,
  on it → graduate/continue, after it → graduate/complete; facts count up to
  ``facts_cutoff(as_of, period_end_on, policy)`` = min(as_of, end of the re-sit window); hours up to
  ``hours_cutoff`` (by default the period's last day: only re-sits change a 结业 decision).
* R14: 'graduated' basis counts 毕业 only; 'graduated_or_completed' adds 结业.
* Studying on a day: enrolled by it and no stop in effect; a stop (休学, 退学, 毕业, 结业) starts the
  day after its change, a 休学 ends on the 复学 day (see ``studying``).
* Crediting (see ``crediting``): 出勤/迟到 earn the session's minutes unless fewer are typed, 请假/缺勤
  none; F/L by the session's mode (cancelled sessions never count), P platform, S approved self-study;
  daily caps per category and in all, policy settings in 学时 (a pending self-study entry holds its place).
* Hours are shown by ``format_hours`` everywhere (pages, exports, PDFs): one decimal, cut down, so
  359.99 学时 reads 359.9 and a page never shows the 360-hour rule met when it is not.
"""

from lms.rules.age import age_on, check_age
from lms.rules.cadence import (
    CadenceReport,
    MonthCadence,
    Training,
    YearCadence,
    class_cadence,
    class_trainings,
    training_year,
    trainings_in_year,
)
from lms.rules.cohort import CohortRules
from lms.rules.courses import (
    COUNTING_STATUSES,
    BestResult,
    CourseStanding,
    assignment_gate,
    best_result,
    check_score,
    course_status,
)
from lms.rules.crediting import (
    ATTENDANCE_STATUS_LABELS,
    ATTENDANCE_STATUSES,
    CREDITED_SELF_STUDY_STATUSES,
    CREDITING_STATUSES,
    DAY_HOLDING_SELF_STUDY_STATUSES,
    DAY_MINUTES,
    SESSION_MODE_CATEGORIES,
    credits_self_study,
    daily_cap,
    daily_cap_problem,
    daily_room,
    day_minutes_problem,
    earns_hours,
    holds_day,
    mark_minutes,
    mark_problem,
    session_category,
)
from lms.rules.evaluation import LearnerEvaluation, enrolment_and_hours_rules, evaluate
from lms.rules.exemptions import ExemptionClaim, ExemptionDecision, check_exemption
from lms.rules.facts import CourseFacts, HourTotals, LearnerFacts, SessionFacts, to_decimal
from lms.rules.formatting import (
    format_credits,
    format_date_cn,
    format_hours,
    format_month_cn,
    format_number,
    format_score,
    format_yuan,
    hours_number,
)
from lms.rules.funding import counts_for_funding, funding_due, funding_rule
from lms.rules.graduation import (
    Decision,
    credits_rule,
    graduation_decision,
    graduation_decisions,
    has_left,
    is_withdrawn,
)
from lms.rules.hours import HoursJudge, categories_label, hours_judge, hours_rule, self_study_balance
from lms.rules.moral import MORAL_STATE_LABELS, moral_evaluation, moral_state
from lms.rules.periods import (
    anniversary,
    facts_cutoff,
    hours_cutoff,
    learner_period_end,
    programme_rule,
    programme_years,
    resit_until,
    study_period_end,
)
from lms.rules.policy import POLICY_FIELDS, FieldSpec, Policy, PolicyError, policy_field
from lms.rules.results import RuleResult
from lms.rules.status_history import (
    STATUS_CHANGES,
    DerivedStatus,
    StatusSequenceError,
    derive_status,
    transition_error,
)
from lms.rules.studying import (
    ENDING_KINDS,
    OFF_REGISTER_STATUSES,
    STOP_PHRASES,
    StatusStop,
    StudyHistory,
    not_studying_reason,
    off_register_reason,
    period_end_as_of,
    period_end_if_resumed,
    study_status_on,
    study_stops,
    suspended_since,
)
from lms.rules.targets import (
    counted_spans,
    counts_toward_target,
    target_group,
    target_group_label,
    target_rule,
    target_years,
)
from lms.rules.units import (
    DAY_CLOCK_MINUTES,
    PARTS_PER_HOUR,
    clock_minutes_from_parts,
    clock_minutes_within,
    hours_from_parts,
    parts_from_clock_minutes,
    parts_from_hours,
)
from lms.rules.vocab import (
    CADENCE_MONTH_BASES,
    CADENCE_MONTH_BASIS_LABELS,
    CADENCE_YEAR_BASES,
    CADENCE_YEAR_BASIS_LABELS,
    COURSE_KIND_LABELS,
    COURSE_KINDS,
    COURSE_STATUS_LABELS,
    COURSE_STATUSES,
    EXEMPTION_BASES,
    EXEMPTION_BASIS_LABELS,
    EXEMPTION_KIND_LABELS,
    EXEMPTION_KINDS,
    FUNDING_BASES,
    FUNDING_BASIS_LABELS,
    HOUR_CATEGORIES,
    HOUR_CATEGORY_LABELS,
    HOURS_AFTER_PERIOD,
    HOURS_AFTER_PERIOD_LABELS,
    LEARNER_STATUS_LABELS,
    LEARNER_STATUSES,
    OUTCOME_LABELS,
    OUTCOMES,
    PRIOR_EDUCATIONS,
    RULE_LABELS,
    SESSION_MODE_LABELS,
    SESSION_MODES,
    STATUS_EVENT_KIND_LABELS,
    STATUS_EVENT_KINDS,
    TARGET_GROUP_LABELS,
    TARGET_GROUPS,
)

__all__ = [
    "ATTENDANCE_STATUSES", "ATTENDANCE_STATUS_LABELS", "CREDITED_SELF_STUDY_STATUSES", "CREDITING_STATUSES",
    "DAY_HOLDING_SELF_STUDY_STATUSES", "DAY_MINUTES", "DAY_CLOCK_MINUTES", "PARTS_PER_HOUR", "SESSION_MODE_CATEGORIES",
    "clock_minutes_from_parts", "clock_minutes_within", "hours_from_parts", "parts_from_clock_minutes", "parts_from_hours",
    "credits_self_study", "daily_cap", "daily_cap_problem", "daily_room", "day_minutes_problem", "earns_hours",
    "holds_day", "mark_minutes", "mark_problem", "session_category",
    "COUNTING_STATUSES", "COURSE_KINDS", "COURSE_KIND_LABELS", "COURSE_STATUSES",
    "COURSE_STATUS_LABELS", "EXEMPTION_BASES", "EXEMPTION_BASIS_LABELS", "EXEMPTION_KINDS",
    "CADENCE_MONTH_BASES", "CADENCE_MONTH_BASIS_LABELS", "CADENCE_YEAR_BASES",
    "CADENCE_YEAR_BASIS_LABELS", "EXEMPTION_KIND_LABELS", "FUNDING_BASES", "FUNDING_BASIS_LABELS", "HOURS_AFTER_PERIOD",
    "HOURS_AFTER_PERIOD_LABELS", "HOUR_CATEGORIES",
    "HOUR_CATEGORY_LABELS", "LEARNER_STATUSES", "LEARNER_STATUS_LABELS", "MORAL_STATE_LABELS",
    "OUTCOMES", "OUTCOME_LABELS", "POLICY_FIELDS", "PRIOR_EDUCATIONS", "RULE_LABELS", "SESSION_MODES",
    "SESSION_MODE_LABELS", "STATUS_EVENT_KINDS", "STATUS_EVENT_KIND_LABELS", "STOP_PHRASES", "TARGET_GROUPS",
    "TARGET_GROUP_LABELS",
    "BestResult", "CadenceReport", "CohortRules", "CourseFacts", "CourseStanding", "Decision", "ExemptionClaim",
    "ExemptionDecision", "FieldSpec", "HourTotals", "HoursJudge", "LearnerEvaluation", "LearnerFacts",
    "MonthCadence", "Policy", "PolicyError", "RuleResult", "SessionFacts", "StatusStop",
    "StudyHistory", "Training", "YearCadence",
    "age_on", "anniversary", "assignment_gate", "best_result", "categories_label", "check_age",
    "check_exemption", "check_score", "class_cadence", "class_trainings", "counts_for_funding",
    "counted_spans", "counts_toward_target", "course_status", "credits_rule", "evaluate", "facts_cutoff",
    "hours_cutoff",
    "format_credits", "format_date_cn", "format_hours", "format_month_cn", "format_number",
    "format_score", "format_yuan", "funding_due", "funding_rule", "graduation_decision", "graduation_decisions",
    "enrolment_and_hours_rules", "hours_number", "hours_judge", "hours_rule", "is_withdrawn", "learner_period_end",
    "moral_evaluation", "moral_state", "not_studying_reason", "period_end_as_of", "period_end_if_resumed",
    "policy_field", "programme_rule", "programme_years", "resit_until", "suspended_since", "has_left",
    "ENDING_KINDS", "OFF_REGISTER_STATUSES", "off_register_reason", "STATUS_CHANGES", "DerivedStatus", "StatusSequenceError", "derive_status", "transition_error",
    "self_study_balance", "study_period_end", "study_status_on", "study_stops", "target_group",
    "target_group_label", "target_rule", "target_years", "to_decimal", "training_year", "trainings_in_year",
]
