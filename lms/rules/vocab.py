"""Fixed vocabularies of the rules engine: codes and their Chinese labels."""

from __future__ import annotations

from types import MappingProxyType

#: What users call each rule. Pages, exports and messages say these words; the code (R6 …) appears at
#: most in a tooltip, for the people who read the specification.
RULE_LABELS = MappingProxyType(
    {
        "R1": "入学年龄",
        "R2": "目标群体",
        "R3": "学制",
        "R4": "集中授课频次",
        "R5": "自学与面授比例",
        "R6": "学时要求（360 学时）",
        "R7": "作业完成后方可考核",
        "R8": "考核成绩",
        "R9": "免修免考",
        "R10": "思想品德评价",
        "R11": "毕业条件",
        "R12": "结业条件",
        "R13": "退学",
        "R14": "经费",
    }
)

#: The five prior-education values a learner can have, lowest first.
PRIOR_EDUCATIONS: tuple[str, ...] = ("未上过学", "小学", "初中肄业", "初中", "高中及以上")

#: Hour categories (every credited minute belongs to exactly one).
HOUR_CATEGORIES: tuple[str, ...] = ("F", "L", "P", "S")
HOUR_CATEGORY_LABELS = MappingProxyType(
    {"F": "集中面授", "L": "集中线上", "P": "平台线上学习", "S": "自学"}
)

#: Target groups of R2.
TARGET_GROUPS: tuple[str, ...] = ("core", "2025", "none")
TARGET_GROUP_LABELS = MappingProxyType(
    {"core": "核心目标（未上过学）", "2025": "2025年目标（初中以下）", "none": "不计入目标"}
)

#: Course kinds of a teaching plan.
COURSE_KINDS: tuple[str, ...] = ("cultural", "skill", "internship")
COURSE_KIND_LABELS = MappingProxyType(
    {"cultural": "文化课", "skill": "专业技能课", "internship": "顶岗实习"}
)

#: How a course can be excused (R9).
EXEMPTION_KINDS: tuple[str, ...] = ("exempt_study", "exempt_exam", "waived")
EXEMPTION_KIND_LABELS = MappingProxyType(
    {"exempt_study": "免修", "exempt_exam": "免考", "waived": "实习免除"}
)

#: Grounds for recognising prior learning (R9).
EXEMPTION_BASES: tuple[str, ...] = ("certificate", "work_experience", "competition", "innovation")
EXEMPTION_BASIS_LABELS = MappingProxyType(
    {
        "certificate": "职业资格证书/职业技能等级证书",
        "work_experience": "岗位工作经历",
        "competition": "竞赛获奖",
        "innovation": "发明创造/技术创新",
    }
)

#: Standing of one course for one learner.
COURSE_STATUSES: tuple[str, ...] = (
    "passed",
    "passed_on_retake",
    "exempt_study",
    "exempt_exam",
    "waived",
    "failed",
    "not_assessed",
    "blocked_by_assignments",
)
COURSE_STATUS_LABELS = MappingProxyType(
    {
        "passed": "通过",
        "passed_on_retake": "补考通过",
        **EXEMPTION_KIND_LABELS,        # an excused course is labelled by how it was excused
        "failed": "未通过",
        "not_assessed": "未考核",
        "blocked_by_assignments": "作业未完成",
    }
)

#: Outcomes of the graduation decision (R11–R13).
OUTCOMES: tuple[str, ...] = ("graduate", "early_graduate", "complete", "continue", "withdrawn", "left")
OUTCOME_LABELS = MappingProxyType(
    {
        "graduate": "毕业",
        "early_graduate": "可提前毕业",
        "complete": "结业",
        "continue": "在读",
        "withdrawn": "退学",
        "left": "离籍",          # 转出, 注销 or 死亡: off the register, no certificate
    }
)

#: Learner statuses (student-status field) and the outcome each one records.
#: transferred 已转出 (转出), cancelled 已注销 (注销), deceased 已故 (死亡): the learner has left the county's register.
LEARNER_STATUSES: tuple[str, ...] = ("studying", "suspended", "withdrawn", "graduated", "completed",
                                     "transferred", "cancelled", "deceased")
LEARNER_STATUS_LABELS = MappingProxyType(
    {
        "studying": "在读",
        "suspended": "休学",
        "withdrawn": "退学",
        "graduated": "毕业",
        "completed": "结业",
        "transferred": "已转出",
        "cancelled": "已注销",
        "deceased": "已故",
    }
)

#: Student-status events (学籍异动): the codes stored in status_events.kind, and what users call them.
#: 休学 opens a suspension, 复学 closes it, 退学 stops study for good; 转专业 changes no status (studying);
#: 转出/注销/死亡 take the learner off the register for good; 转入 records where an arriving learner came from
#: (status studying) with the hours and results their transfer document carries.
STATUS_EVENT_KINDS: tuple[str, ...] = ("suspend", "resume", "withdraw", "change_specialty",
                                       "transfer_out", "transfer_in", "cancel", "death")
STATUS_EVENT_KIND_LABELS = MappingProxyType(
    {"suspend": "休学", "resume": "复学", "withdraw": "退学", "change_specialty": "转专业",
     "transfer_out": "转出", "transfer_in": "转入", "cancel": "注销", "death": "死亡"}
)

#: Session modes; both are concentrated teaching (集中授课).
SESSION_MODES: tuple[str, ...] = ("face", "live")
SESSION_MODE_LABELS = MappingProxyType({"face": "面授", "live": "线上直播"})

#: How R14 funding is counted.
FUNDING_BASES: tuple[str, ...] = ("graduated", "graduated_or_completed")
#: Which hours count after the study period (Policy.hours_after_period): none, or all within the re-sit window.
HOURS_AFTER_PERIOD: tuple[str, ...] = ("none", "resit_window")
HOURS_AFTER_PERIOD_LABELS = MappingProxyType({"none": "不计入", "resit_window": "补考期内的都计入"})
FUNDING_BASIS_LABELS = MappingProxyType(
    {"graduated": "毕业学员", "graduated_or_completed": "毕业和结业学员"}
)

#: R4 yearly route: the year a continuous training crossing New Year counts in.
CADENCE_YEAR_BASES: tuple[str, ...] = ("start", "most_days")
CADENCE_YEAR_BASIS_LABELS = MappingProxyType(
    {"start": "开始的年份", "most_days": "上课天数多的年份"}
)

#: R4 monthly route: one full day, or the month's sessions added up (乡村夜校).
CADENCE_MONTH_BASES: tuple[str, ...] = ("day", "month")
CADENCE_MONTH_BASIS_LABELS = MappingProxyType(
    {"day": "须有一天达到", "month": "当月各次累计达到"}
)
