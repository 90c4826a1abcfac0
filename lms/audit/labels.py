"""What the audit log's action and object codes mean, in Chinese (the page shows these; the code is a tooltip).

Every action any service records is listed here; a test walks lms/ for record() calls and fails on one
without a label. Grouped by domain, in the order the audit page's filter lists them.
"""
from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # users and settings
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.activate": "启用用户",
    "user.deactivate": "停用用户",
    "user.reset_password": "重置用户密码",
    "user.change_password": "修改自己的密码",
    "user.logout": "退出登录",
    "settings.update": "修改系统设置",
    "settings.seal": "上传学校印章",
    "settings.seal_remove": "移除学校印章",
    "policy.save": "保存政策设置",
    "division.create": "新增区划",
    "teaching_point.create": "新增教学点",
    "teaching_point.update": "修改教学点",
    "demo.load": "加载演示数据",
    "demo.assessment": "生成演示考核数据",
    # imports
    "divisions.import": "导入行政区划",
    "roster.import": "导入名册",
    "import.refused_export": "下载导入中有问题的行",
    "enrolments.import": "导入报名学员",
    "status-events.import": "导入学籍异动",
    "plans.import": "导入教学计划",
    "attendance.import": "导入考勤",
    "online-hours.import": "导入平台线上学时",
    "self-study.import": "导入自学学时",
    "assignments.import": "导入作业完成",
    "results.import": "导入考核成绩",
    "moral.import": "导入思想品德评价",
    "exemptions.import": "导入免修免考",
    # roster and learners
    "roster.visit": "登记走访",
    "roster.view_id": "查看名册完整身份证号",
    "learner.enrol": "报名入学",
    "learner.correct": "更正学员信息",
    "learner.photo": "更换学员照片",
    "learner.view_id": "查看学员完整身份证号",
    "learner.status_event": "学籍异动",
    "learner.export": "导出学籍注册表",
    # teaching
    "specialty.create": "新增专业",
    "specialty.rename": "专业改名",
    "specialty.retire": "停办专业",
    "specialty.activate": "恢复专业",
    "course.create": "新增课程",
    "course.update": "修改课程",
    "course.activate": "启用课程",
    "course.deactivate": "停用课程",
    "class.create": "新建班级",
    "class.update": "修改班级",
    "class.add_teacher": "安排任课教师",
    "class.remove_teacher": "移除任课教师",
    "class.add_learners": "学员编入班级",
    "class.remove_learner": "学员移出班级",
    "session.create": "新建课次",
    "session.update": "修改课次",
    "session.cancel": "取消课次",
    "attendance.save": "保存点名",
    "attendance.sync": "上传离线点名",
    "export.sign_in_sheet": "下载签到表",
    "self_study.create": "登记自学",
    "self_study.approve": "通过自学记录",
    "self_study.reject": "退回自学记录",
    "self_study.approve_all": "批量通过自学记录",
    "export.hours": "导出学时与规则状态",
    "session.evidence": "上传课次佐证材料",
    # assessment and recognition
    "assessment.sheet": "录入考核成绩",
    "assessment_result.void": "作废考核成绩",
    "moral.sheet": "录入思想品德评价",
    "certificate_kind.create": "证书对应表新增",
    "certificate_kind.update": "修改证书对应表",
    "recognition.create": "提交免修免考申请",
    "recognition.decide": "审批免修免考申请",
    "graduation_audit.export": "导出毕业审核",
    # certificates
    "batch.create": "新建毕业批次",
    "batch.remove_member": "移出毕业批次",
    "batch.submitted": "报州教育局验印",
    "batch.verified": "登记验印结果",
    "batch.issued": "批次发证",
    "certificate.issue": "发放证书",
    "certificate.revoke": "撤销证书",
    "certificate.reissue": "补发证书",
    "certificate.pdf": "下载证书",
    "certificate.print": "批量打印证书",
    "certificate.print_resume": "继续打印证书",
    "certificate.print_download": "下载证书打印文件",
    "export.xlsx": "导出户籍名单或经费申请",
    "batch.roster_export": "导出毕业生名册",
    "system.backup": "备份系统",
    "system.restore": "从备份恢复",
    # reports
    "reports.quarterly_export": "导出季度报表与经费申报",
    # inspection
    "inspection.visit": "登记督查走访",
    "inspection.export": "导出督查清单",
    "inspection.view": "查看督查清单",
}

ENTITY_LABELS: dict[str, str] = {
    "system": "系统",
    "user": "用户",
    "settings": "设置",
    "policy": "政策",
    "division": "区划",
    "teaching_point": "教学点",
    "demo": "演示数据",
    "import": "导入",
    "roster_entry": "名册",
    "learner": "学员",
    "export": "导出",
    "specialty": "专业",
    "course": "课程",
    "class": "班级",
    "teaching_class": "班级",
    "session": "课次",
    "offline_sync": "离线点名上传",
    "self_study": "自学记录",
    "assessment_result": "考核成绩",
    "certificate_kind": "证书对应表",
    "recognition_application": "免修免考申请",
    "graduation_audit": "毕业审核",
    "batch": "毕业批次",
    "certificate": "证书",
    "render_job": "打印任务",
    "report": "报表",
    "inspection": "督查",
    "inspection_visit": "督查走访",
}


def action_label(action: str) -> str:
    """The Chinese name of an audit action; an action no longer recorded shows as it was stored."""
    return ACTION_LABELS.get(action, action)


def entity_label(entity_type: str) -> str:
    """The Chinese name of the kind of object an audit event is about."""
    return ENTITY_LABELS.get(entity_type, entity_type)
