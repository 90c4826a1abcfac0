"""Chinese text uses full-width punctuation: ，。：；（）！？“” — in templates, messages, labels and scripts.

The scan (tests/support/punctuation.py says exactly what counts as text) reads every template, every
string literal under lms/ and the scripts in static/js, and reports each half-width , : ; ( ) ! ? or
straight " touching Chinese (blanks between them do not count), each pair "（…)" of mixed width, and
each blank beside full-width punctuation, as file:line and the text around it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.punctuation import (
    Finding,
    file_units,
    findings,
    problems,
    python_units,
    script_units,
    template_units,
)

ROOT = Path(__file__).resolve().parents[3]

# Real exceptions: (file, text the finding lies in, why). Keep this short.
ALLOWED = (
    ("lms/core/xlsx.py", 'yyyy"年"m"月"d"日"', "an Excel number format: the quotes are its syntax"),
    ("lms/rules/facts.py", "only an internship (顶岗实习) can be waived", "an English error for programmers"),
    ("lms/learners/export.py", "月发放标准(元)", "a column of the national 学籍 system's template, spelt as there"),
    ("lms/learners/export.py", "家长(监护人)姓名", "a column of the national 学籍 system's template, spelt as there"),
    ("lms/learners/export.py", "家长(监护人)电话", "a column of the national 学籍 system's template, spelt as there"),
    ("lms/policies/forms.py", "“年份: 群体”", "the syntax typed in the form, which shows values as 2025: core, 2025"),
)


def _files() -> list[Path]:
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.js"), *ROOT.glob("lms/**/*.py"),
             *ROOT.glob("static/js/*.js")]
    return sorted(files)


def _allowed(finding: Finding) -> bool:
    return any(finding.path == path and any(m.start() <= finding.index < m.end()
                                            for m in re.finditer(re.escape(text), finding.unit_text))
               for path, text, _ in ALLOWED)


def scan() -> list[Finding]:
    """Every finding in the project that is not allowed."""
    found = []
    for path in _files():
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT).as_posix()
        found.extend(f for f in findings(relative, source, file_units(path, source)) if not _allowed(f))
    return found


def test_chinese_text_uses_full_width_punctuation():
    found = scan()
    if found:
        pytest.fail(f"{len(found)} places with half-width punctuation in Chinese text:\n" + "\n".join(map(str, found)),
                    pytrace=False)


def test_every_allowed_exception_is_still_there():
    """An allowance whose text is gone must be removed, so the list stays short and true."""
    for path, text, _ in ALLOWED:
        assert text in (ROOT / path).read_text(encoding="utf-8"), f"{path}: {text!r} is no longer there"


# --- the scan itself -----------------------------------------------------------------------------------

def _texts(units) -> list[str]:
    return [unit.text.replace("\ufffc", "{}") for unit in units]


@pytest.mark.parametrize(("text", "kinds"), [
    ("学生 韦小 ,性别男", ["half"]),
    ("学生韦小，性别男", []),
    ("学员(3 人)", ["half", "half"]),
    ("（PDF)", ["pair"]),
    ("韦小 ，性别", ["blank"]),
    ("撤销日期： 2025年", ["blank"]),
    ("PDF(可打印)", ["half", "half"]),
    ("请点\"确定\"", ["half", "half"]),
    ("1,500 元", []),                    # a thousands separator between digits
    ("08:30 上课", []),                   # a time: the colon touches digits only
    ("see (R6) rule", []),
    ("“{name}”(3 人)", ["half", "half"]),  # a curly quote is Chinese punctuation
    ("性别\ufffc,\ufffc生", ["half"]),       # between two placeholders in a Chinese sentence
    ("\ufffc,\ufffc", []),                   # … but not where nothing is Chinese
])
def test_what_the_scan_reports(text, kinds):
    assert [kind for _, kind in problems(text)] == kinds


def test_python_literals_skip_docstrings_regexes_and_fstring_code():
    source = '''"""模块说明(不是界面文字)."""
import re
PATTERN = re.compile(r"^(\\d+)年$")
def f(v, n):
    """函数说明(不检查)."""
    return f"共 {v:.1f} 学时,{n!r:>4}" + "第一段(" "第二段)" + f"专业“{n or '(空)'}”"
'''
    units = _texts(python_units(source))
    assert "共 {} 学时,{}" in units and "第一段(第二段)" in units and "(空)" in units
    assert not any("模块说明" in text or "函数说明" in text or "年$" in text for text in units)


def test_templates_read_text_attributes_and_jinja_strings_not_code():
    source = ('{% set t = {"county": "乡镇(街道)"} %}<a href="/x?a=1,b" title="打印(PDF)">名册({{ n }})</a>'
              '{# 注释(不检查) #}<input placeholder="意见(必填)" class="a:b">'
              '<style>@page { @bottom-center { content: "第 " counter(page) " 页,共" } }</style>')
    units = _texts(template_units(source))
    assert "county{}乡镇(街道){}" in units and "打印(PDF)" in units and "意见(必填)" in units and " 页,共" in units
    body = units[-1]
    assert "名册({})" in body and "注释" not in body and "/x?a=1,b" not in body and "a:b" not in body


def test_findings_name_file_line_and_text():
    source = "<p>第一行</p>\n<p>学生 {{ name }} ,性别{{ sex }}</p>\n"
    [finding] = findings("templates/x.html", source, template_units(source))
    assert str(finding) == "templates/x.html:2: half-width ',' next to Chinese: {…}第一行{…}学生 {…} ,性别{…}"


def test_scripts_read_string_literals_not_comments_or_regexes():
    source = ('// 注释(不检查)\nvar a = b.replace(/"/g, "");  /* 说明:无 */\n'
              'say("已签到:" + name); var t = `共 ${n} 人,已保存`;\n')
    units = _texts(script_units([(char, index) for index, char in enumerate(source)]))
    assert units == ["", "已签到:", "共 {} 人,已保存"]
