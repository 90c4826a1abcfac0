"""Masks for personal data shown in lists and on public pages (个人信息保护法)."""

from __future__ import annotations

__all__ = ["mask_id_number", "mask_name", "mask_phone"]

# Separators inside names that stay visible: the middle dots used in minority and foreign
# names (·, ・, •, ‧, ･, .) and spaces. They carry no personal information.
_NAME_SEPARATORS = frozenset("·・•‧･. ")


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters, star the rest; all stars if too short."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id_number(number: str | None) -> str:
    """"522327199001011234" → "522327********1234" (first 6 and last 4 kept).

    None → ""; anything of 10 characters or fewer is starred completely, so a short or
    broken value never shows more than it hides.
    """
    if not number:
        return ""
    return _keep_ends(str(number).strip(), 6, 4)


def mask_phone(phone: str | None) -> str:
    """"13812341234" → "138****1234" (first 3 and last 4 kept).

    None → ""; 7 characters or fewer are starred completely.
    """
    if not phone:
        return ""
    return _keep_ends(str(phone).strip(), 3, 4)


def mask_name(name: str | None) -> str:
    """Keep the first and last character of a name and star the rest: "王德才" → "王*才",
    "欧阳娜娜" → "欧**娜", "阿卜杜拉·买买提" → "阿***·**提" (separators stay).

    A two-character name keeps only its first ("王芳" → "王*"), as does any name with two
    letters or fewer around separators; a one-character name becomes "*" because showing
    it would show the whole name. None or blank → "".
    """
    if not name:
        return ""
    text = str(name).strip()
    letters = [i for i, char in enumerate(text) if char not in _NAME_SEPARATORS]
    if not letters:
        return ""
    keep = {letters[0]}
    if len(letters) == 1:
        keep = set()
    elif len(letters) >= 3:
        keep.add(letters[-1])
    return "".join(
        char if i in keep or char in _NAME_SEPARATORS else "*" for i, char in enumerate(text)
    )
