"""Student numbers (学号) from a school-set pattern such as "{school}{year}{seq:4}". Pure functions.

Tokens: {year} enrolment year (2025), {yy} its last two digits (25), {school} the school code setting,
{county} the 6-digit county part of the learner's village code, {township} the 9-digit township part,
and exactly one {seq:N}, a counter of N digits. Everything else is copied literally. The counter runs
per distinct prefix — the number with {seq:N} left out — so a pattern with {year} restarts every year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"\{([a-z]+)(?::(\d+))?\}")
KNOWN_TOKENS = ("year", "yy", "school", "county", "township", "seq")
DEFAULT_PATTERN = "{school}{year}{seq:4}"
MAX_LENGTH = 30                     # learners.student_number is String(30)


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern cannot be used (Chinese), or None when it is fine."""
    if not pattern or not pattern.strip():
        return "不能为空"
    if any(char.isspace() for char in pattern):
        return "不能包含空格"
    tokens = TOKEN.findall(pattern)
    unknown = sorted({name for name, _ in tokens if name not in KNOWN_TOKENS})
    if unknown:
        return f"包含未知的占位符 {{{unknown[0]}}}；可用：{{year}} {{yy}} {{school}} {{county}} {{township}} {{seq:N}}"
    if "{" in TOKEN.sub("", pattern) or "}" in TOKEN.sub("", pattern):
        return "花括号不成对"
    sequences = [digits for name, digits in tokens if name == "seq"]
    if len(sequences) != 1 or not sequences[0]:
        return "必须包含且只包含一个序号占位符 {seq:N}(N 为位数，如 {seq:4})"
    if not 1 <= int(sequences[0]) <= 8:
        return "序号位数应在 1–8 之间"
    if any(digits for name, digits in tokens if name != "seq"):
        return "只有 {seq:N} 可以指定位数"
    return None


@dataclass(frozen=True)
class NumberPlan:
    """A pattern filled in for one learner, except for the counter."""

    prefix_key: str            # the counter's name: the number with the sequence left out
    before: str                # text before the counter
    after: str                 # text after the counter
    digits: int

    def number(self, value: int) -> str:
        """The student number for counter value `value` (refuses a value that no longer fits)."""
        if value >= 10 ** self.digits:
            raise OverflowError(f"学号序号已超过 {self.digits} 位，请在系统设置中加长 {{seq:N}}")
        return f"{self.before}{value:0{self.digits}d}{self.after}"


def plan_number(pattern: str, *, year: int, school_code: str, village_code: str) -> NumberPlan:
    """Fill every token of `pattern` but the counter (the pattern must be valid)."""
    values = {"year": f"{year:04d}", "yy": f"{year % 100:02d}", "school": school_code,
              "county": village_code[:6], "township": village_code[:9]}
    before, after, digits, seen = [], [], 0, False
    position = 0
    for match in TOKEN.finditer(pattern):
        (after if seen else before).append(pattern[position:match.start()])
        name, size = match.group(1), match.group(2)
        if name == "seq":
            seen, digits = True, int(size)
        else:
            (after if seen else before).append(values[name])
        position = match.end()
    after.append(pattern[position:])
    head, tail = "".join(before), "".join(after)
    return NumberPlan(prefix_key=f"student_number:{head}#{tail}", before=head, after=tail, digits=digits)
