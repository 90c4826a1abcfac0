"""Certificate numbers from the school's pattern, gap-free per year and never reused.

Pattern tokens (the admin edits the pattern in 系统设置):

    {school}   the 6-digit school code (setting school.code)
    {yyyy}     the issue year, 4 digits        {yy}   the issue year, 2 digits
    {type}     the document type: 1 毕业证书, 2 结业证书, 3 写实性学习证明
    {seq:N}    the sequence number, N digits (3–8), zero-padded — required, exactly once

Anything else must be letters, digits or "-". The default `{school}{yy}{seq:4}` is the 12-digit
form some provinces use: 520000 25 0001.

One counter per distinct prefix (the pattern rendered without its sequence), so the default shares
one counter per year between the three kinds, and a pattern with {type} numbers each kind on its
own. The counter lives in lms.core.sequences: the increment is part of the issuing transaction,
so concurrent issuers wait for each other, a rolled-back issue gives its numbers back (no gaps),
and a revoked certificate keeps its number forever (certificates are never deleted).
"""
from __future__ import annotations

import re

DEFAULT_PATTERN = "{school}{yy}{seq:4}"
TYPE_CODES = {"diploma": "1", "completion": "2", "study_record": "3"}
TOKEN_HELP = ("{school} 学校代码，{yyyy} 四位年份，{yy} 两位年份，{type} 证书类别（1 毕业证书、2 结业证书、"
              "3 写实性学习证明），{seq:N} N 位顺序号（3–8 位，必须有且只有一个）")

_TOKEN = re.compile(r"\{(school|yyyy|yy|type|seq:(\d+))\}")
_LITERAL = re.compile(r"[A-Za-z0-9-]*")
MAX_LENGTH = 40


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used (Chinese, without the field name), or None when it is fine."""
    if not pattern:
        return "不能为空"
    sequences = 0
    position = 0
    for match in _TOKEN.finditer(pattern):
        literal = pattern[position:match.start()]
        if not _LITERAL.fullmatch(literal):
            return f"含有无法识别的部分「{literal}」；可用：{TOKEN_HELP}"
        if match.group(2) is not None:
            sequences += 1
            if not 3 <= int(match.group(2)) <= 8:
                return "顺序号位数应在 3–8 之间，例如 {seq:4}"
        position = match.end()
    tail = pattern[position:]
    if not _LITERAL.fullmatch(tail):
        return f"含有无法识别的部分「{tail}」；可用：{TOKEN_HELP}"
    if sequences != 1:
        return "必须有且只有一个顺序号 {seq:N}，例如 {seq:4}"
    sample = format_number(pattern, school_code="000000", year=2025, kind="diploma", sequence=1)
    if len(sample) > MAX_LENGTH:
        return f"生成的编号超过 {MAX_LENGTH} 位"
    return None


def _render(pattern: str, *, school_code: str, year: int, kind: str, sequence: str, pad: str = "0") -> str:
    values = {"school": school_code, "yyyy": f"{year:04d}", "yy": f"{year % 100:02d}", "type": TYPE_CODES[kind]}

    def replace(match: re.Match) -> str:
        return sequence.rjust(int(match.group(2)), pad) if match.group(2) else values[match.group(1)]

    return _TOKEN.sub(replace, pattern)


def format_number(pattern: str, *, school_code: str, year: int, kind: str, sequence: int) -> str:
    """The number for `sequence` under `pattern`: ("{school}{yy}{seq:4}", "520000", 2025, …, 7) → "520000250007"."""
    return _render(pattern, school_code=school_code, year=year, kind=kind, sequence=str(sequence))


def sequence_width(pattern: str) -> int:
    """N of the pattern's {seq:N}."""
    return int(next(m.group(2) for m in _TOKEN.finditer(pattern) if m.group(2)))


def counter_name(pattern: str, *, school_code: str, year: int, kind: str) -> str:
    """The name of the sequence counter behind numbers of this prefix (e.g. "certificate:52000025####")."""
    return "certificate:" + _render(pattern, school_code=school_code, year=year, kind=kind, sequence="", pad="#")


def next_numbers(pattern: str, *, school_code: str, year: int, kind: str, count: int) -> list[str]:
    """`count` consecutive new numbers, taken from the counter inside the caller's transaction.

    Raises DomainError when the pattern's sequence width is exhausted for the year.
    """
    from lms.core.errors import DomainError
    from lms.core.sequences import next_values

    if count == 0:
        return []
    values = next_values(counter_name(pattern, school_code=school_code, year=year, kind=kind), count)
    limit = 10 ** sequence_width(pattern) - 1
    if values[-1] > limit:
        raise DomainError(f"{year} 年的证书顺序号已用完（最多 {limit} 个）；请在系统设置中加长编号规则的顺序号位数",
                          field="certificate.number_pattern")
    return [format_number(pattern, school_code=school_code, year=year, kind=kind, sequence=value)
            for value in values]


def upcoming_numbers(pattern: str, *, school_code: str, year: int, kind: str, count: int) -> list[str]:
    """The `count` numbers the next issue would take, without taking them (for a confirmation page).

    Another issue may take them first; the caller compares before issuing (next_numbers is the truth).
    """
    from lms.core.sequences import current_value

    start = current_value(counter_name(pattern, school_code=school_code, year=year, kind=kind)) + 1
    return [format_number(pattern, school_code=school_code, year=year, kind=kind, sequence=value)
            for value in range(start, start + count)]
