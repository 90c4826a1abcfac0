"""Who may do what: every capability and the roles that hold it. The one permission table.

Each row names a capability and the roles holding it, one column per role. To change who may do
something, change its row here — nothing else: the pages (`@requires("…")` in lms/web/access.py),
the top menu (lms/web/nav.py shows an entry to whoever may open its page), the buttons and links on the
pages (`can("…")` in templates), the import kinds (each names its capability) and the services that
check their actor (lms/assessment/rights.py, lms/recognition/services.py) all read this table.
tests/functional/test_permissions.py opens every page as every role and checks it against the table.

A capability says WHAT a role may do; WHERE is scope (lms/auth/scope.py): township staff, enrollers
and teachers do what their row allows only for their townships, villages or classes.

Roles (lms.auth.models.ROLE_LABELS): admin 系统管理员 · bureau 县教育局 · township 乡镇专干 ·
enroller 村级招生员 · teacher 教师 · registrar 教务.
"""
from __future__ import annotations

from lms.auth.models import ROLES

# capability                     admin    bureau    township    enroller    teacher    registrar       what it allows
PERMISSIONS: dict[str, tuple[str, ...]] = {
    # --- everyone ----------------------------------------------------------------------------------
    "home.view":               ("admin", "bureau", "township", "enroller", "teacher", "registrar"),  # 首页
    "account.own":             ("admin", "bureau", "township", "enroller", "teacher", "registrar"),  # 修改自己的密码、退出
    # --- 招生 enrolment ------------------------------------------------------------------------------
    "roster.view":             ("admin", "bureau", "township", "enroller",            "registrar"),  # 名册与走访记录
    "roster.visit":            ("admin",           "township", "enroller",            "registrar"),  # 记录走访
    "roster.import":           ("admin",           "township", "enroller",            "registrar"),  # 导入名册
    "ids.reveal":              ("admin",           "township", "enroller",            "registrar"),  # 显示完整身份证号和电话（记入日志）
    "learners.enrol":          ("admin",           "township", "enroller",            "registrar"),  # 报名（表单和导入）
    "learners.view":           ("admin", "bureau", "township", "enroller", "teacher", "registrar"),  # 学员档案、学时、学习账户
    "learners.photo":          ("admin",           "township", "enroller",            "registrar"),  # 上传学员照片
    "learners.card":           (                   "township",             "teacher", "registrar"),  # 打印新学员证（带“我的学习”二维码，旧证的随即失效）
    "learners.status":         ("admin",           "township",                        "registrar"),  # 学籍异动、更正姓名民族电话
    "learners.status_import":  (                                                      "registrar",), # 导入学籍异动
    "learners.export":         ("admin", "bureau", "township",                        "registrar"),  # 导出学籍注册名单
    "geo.view":                ("admin", "bureau", "township", "enroller",            "registrar"),  # 区划与教学点
    "divisions.manage":        ("admin",),                                                           # 新增、导入区划
    "teaching_points.manage":  ("admin",           "township", "enroller",            "registrar"),  # 新增、编辑教学点
    # --- 教学 teaching -------------------------------------------------------------------------------
    "classes.view":            ("admin", "bureau", "township", "enroller", "teacher", "registrar"),  # 班级
    "classes.manage":          (                   "township",                        "registrar"),  # 建班、编辑班级、任课教师、班级学员
    "attendance.take":         (                   "township",             "teacher", "registrar"),  # 课次、考勤、签到表、学员证、登记自学
    "self_study.approve":      (                                           "teacher", "registrar"),  # 审核自学记录
    "hours.import":            ("admin",           "township",             "teacher", "registrar"),  # 导入考勤、平台学时、自学记录
    "sessions.evidence_view":  ("admin", "bureau", "township",             "teacher", "registrar"),  # 课次佐证材料（课堂照片、签到表扫描件）
    "sessions.evidence":       (                   "township",             "teacher", "registrar"),  # 上传课次佐证材料（教师：本人授课的课次）
    "plans.view":              ("admin", "bureau", "township", "enroller", "teacher", "registrar"),  # 教学计划
    "plans.edit":              (                                                      "registrar",), # 编辑课程
    "plans.import":            ("admin",                                              "registrar"),  # 导入教学计划
    "imports.view":            ("admin",           "township", "enroller", "teacher", "registrar"),  # 数据导入页（有导入种类的角色）
    # --- 考核 assessment -----------------------------------------------------------------------------
    "assessment.record":       (                                           "teacher", "registrar"),  # 考核录入：作业、成绩、思想品德（按教学关系）
    "assessment.record_all":   (                                                      "registrar",), # 不限班级和任课：全县所有课程与思想品德
    "policies.view":           ("admin", "bureau",                                    "registrar"),  # 政策设置（查看）
    "policies.edit":           (                                                      "registrar",), # 修改政策
    "graduation.audit":        ("admin", "bureau",                                    "registrar"),  # 毕业审核及导出
    "recognition.view":        ("admin", "bureau", "township",             "teacher", "registrar"),  # 免修免考申请
    "recognition.apply":       (                   "township",             "teacher", "registrar"),  # 提交免修免考申请
    "recognition.decide":      (                                                      "registrar",), # 审批免修免考（及导入审批结果）
    "recognition.table_view":  ("admin", "bureau",                         "teacher", "registrar"),  # 证书与课程对应表
    "recognition.table_edit":  (                                                      "registrar",), # 编辑对应表
    # --- 证书 certificates ---------------------------------------------------------------------------
    "certificates.view":       ("admin", "bureau", "township",                        "registrar"),  # 证书、户籍名单和经费表导出
    "certificates.issue":      (                                                      "registrar",), # 毕业批次、发证、撤销、补发、打印
    "batches.view":            ("admin", "bureau",                                    "registrar"),  # 毕业批次（查看）
    "batches.roster":          ("admin",                                              "registrar"),  # 下载毕业生名册（含完整身份证号）
    # --- 报表与系统 reports and the system --------------------------------------------------------------
    "reports.view":            ("admin", "bureau", "township",                        "registrar"),  # 数据看板、季度报表
    "inspection.view":         ("admin", "bureau", "township",                        "registrar"),  # 督查核查清单、抽查课次及导出
    "inspection.record":       (         "bureau",                                    "registrar"),  # 登记督查走访（明察暗访）结果
    "users.manage":            ("admin",),                                                           # 用户管理
    "settings.manage":         ("admin",),                                                           # 系统设置、学校印章
    "audit.view":              ("admin",),                                                           # 操作日志
    "api_keys.manage":         ("admin",),                                                           # 接口密钥：新建、吊销
}

_UNKNOWN = {name: set(roles) - set(ROLES) for name, roles in PERMISSIONS.items() if set(roles) - set(ROLES)}
if _UNKNOWN:        # a typo in the table must stop the application, not quietly lock a role out
    raise ValueError(f"unknown roles in the permission table: {_UNKNOWN}")

_HOLDERS: dict[str, frozenset[str]] = {name: frozenset(roles) for name, roles in PERMISSIONS.items()}


def roles_with(capability: str) -> frozenset[str]:
    """The roles holding `capability`; an unknown capability raises KeyError (a typo fails at once)."""
    try:
        return _HOLDERS[capability]
    except KeyError:
        raise KeyError(f"no capability {capability!r} in lms/auth/permissions.py") from None


def role_may(role: str | None, capability: str) -> bool:
    """True when `role` holds `capability`."""
    return role in roles_with(capability)


def may(user, capability: str) -> bool:
    """True when `user` holds `capability`. None is the command line (`flask lms …`), which may do
    everything; an anonymous visitor nothing."""
    holders = roles_with(capability)        # a misspelt capability raises, whoever asks
    if user is None:
        return True
    if not getattr(user, "is_authenticated", True):
        return False
    return getattr(user, "role", None) in holders


def capabilities_key(user) -> str | None:
    """What decides which capabilities `user` holds (everything `may` reads about them), to key things built
    once from those capabilities and shared by everyone with the same answer — the menu."""
    return getattr(user, "role", None)
