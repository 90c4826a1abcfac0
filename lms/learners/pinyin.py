"""Pinyin initials of names ("王德才" → "wdc"), so a search box finds people by what is quick to type.

pypinyin converts a whole name in about 50 µs; a 100,000-row roster would spend seconds on it. Names
are made of a few thousand distinct characters, so each character is converted once and cached.
A character pypinyin cannot convert (a rare one outside its table) contributes nothing.
"""
from __future__ import annotations

# Family names read differently from the character's everyday reading (覃 is Qín as a surname,
# not tán; 曾 is Zēng, not céng). Applied to the first character only.
_SURNAME_INITIALS = {
    "覃": "q", "曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
    "尉": "y", "乐": "y", "缪": "m", "翟": "z", "重": "c", "种": "c", "员": "y", "秘": "b", "隗": "w",
    "召": "s", "长": "c", "都": "d", "传": "c", "藏": "z", "车": "c", "沈": "s", "石": "s",
}
_CHAR_INITIALS: dict[str, str] = {}


def _initial(char: str) -> str:
    initial = _CHAR_INITIALS.get(char)
    if initial is None:
        if char.isascii():
            initial = char.lower() if char.isalnum() else ""
        else:
            # Imported on the first name, not when the app starts: its phrase dictionary costs every
            # `flask` command about 0.3 s otherwise.
            from pypinyin import Style, lazy_pinyin

            converted = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
            initial = converted[0][:1].lower() if converted and converted[0][:1].isascii() else ""
            if not initial.isalpha():
                initial = ""
        _CHAR_INITIALS[char] = initial
    return initial


def name_initials(name: str) -> str:
    """Lower-case pinyin initials of a name: "王德才" → "wdc", "覃小梅" → "qxm",
    "阿依·木" → "aym".

    Separators (·, spaces) and digits are skipped; ASCII letters are kept lower-cased.
    """
    letters = []
    for position, char in enumerate(name):
        if position == 0 and char in _SURNAME_INITIALS:
            letters.append(_SURNAME_INITIALS[char])
        elif not char.isdigit():
            letters.append(_initial(char))
    return "".join(letters)[:40]
