"""Finding half-width punctuation in the Chinese text users read (templates, string literals, scripts).

The scan works on *units*: runs of text as a user reads them, each character with its offset in the
source file. Code becomes one opaque placeholder (HOLE): Jinja expressions and statements, HTML tags,
f-string replacement fields with their format specs (``{v:.1f}``). What counts as text:

* templates: the text between tags, the values of the attributes people read (title, placeholder,
  aria-label, alt, value, label, data-busy, data-label), the quoted strings of CSS in <style> (the
  ``content:`` of a PDF's page footer), and the string literals inside ``{{ }}`` / ``{% %}`` (labels
  passed to macros), the strings of one expression joined into one unit;
* Python: every string literal found by ``tokenize`` (adjacent literals read as one), except docstrings
  and regular expressions (found with ``ast``); in f-strings only the literal parts, and apart from them
  the string literals inside the replacement fields (``{name or '（空）'}``);
* JavaScript: string and template literals (not comments, not regex literals).

A unit is wrong where it has
* a half-width , : ; ( ) ! ? or a straight double quote whose nearest non-blank neighbour on either
  side is a Chinese character, Chinese punctuation or a curly quote (blanks are skipped because
  "学生 韦小 ," reads as Chinese however many spaces stand in it; a placeholder is not Chinese);
* in a unit with Chinese in it, a half-width , : ; ( ) ! ? between two placeholders (or a placeholder
  and the unit's end): the comma of "性别{{ sex }},{{ birth }}生", "{name}({number})" or f";{a}尚无…"
  in a Chinese sentence;
* a pair of parentheses of mixed width: "（…)" or "(…）";
* a blank before ，。：；！？、）” or after ，。：；！？、（“ (full-width punctuation carries its own space).
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

HOLE = "\ufffc"
HALF_WIDTH = ",:;()!?\""
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
NO_BLANK_BEFORE = "，。：；！？、）”"
NO_BLANK_AFTER = "，。：；！？、（“"
BLANKS = " \t\r\n"
#: Attributes whose values are read (or heard) by people.
TEXT_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "value", "label", "data-busy",
                             "data-label", "data-confirm"})


def is_chinese(char: str) -> bool:
    """A Han character, CJK punctuation (、。《》「」), a full-width form (，（）) or a curly double quote."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
            or char in "“”")


@dataclass
class Unit:
    """Text as read, with each character's offset in the source (-1 for a HOLE)."""

    chars: list[tuple[str, int]]

    @property
    def text(self) -> str:
        return "".join(char for char, _ in self.chars)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    offset: int          # of the offending character in the source
    index: int           # of the offending character in the unit's text
    kind: str            # "half", "pair", "blank"
    char: str
    context: str         # the unit's text around it, code shown as {…}
    unit_text: str

    def __str__(self) -> str:
        what = {"half": f"half-width {self.char!r} next to Chinese", "pair": "parentheses of mixed width",
                "blank": "blank beside full-width punctuation"}[self.kind]
        return f"{self.path}:{self.line}: {what}: {self.context}"


# --- checking a unit ---------------------------------------------------------------------------------

def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] in BLANKS:
        index += step
    return text[index] if 0 <= index < len(text) else ""


def problems(text: str) -> list[tuple[int, str]]:
    """(index, kind) of every problem in a unit's text; see the module docstring for the kinds."""
    found: list[tuple[int, str]] = []
    chinese = any(is_chinese(char) for char in text)
    for index, char in enumerate(text):
        if char in HALF_WIDTH:
            before, after = _neighbour(text, index, -1), _neighbour(text, index, 1)
            if (before and is_chinese(before)) or (after and is_chinese(after)) or \
                    (chinese and char != '"' and {before, after} <= {HOLE, ""} and HOLE in (before, after)):
                found.append((index, "half"))
    opened: list[int] = []
    for index, char in enumerate(text):
        if char in "(（":
            opened.append(index)
        elif char in ")）" and opened:
            start = opened.pop()
            if (text[start] == "（") != (char == "）"):
                found.append((index, "pair"))
    for index, char in enumerate(text):
        if char in " \t" and ((index + 1 < len(text) and text[index + 1] in NO_BLANK_BEFORE)
                              or (index > 0 and text[index - 1] in NO_BLANK_AFTER)):
            found.append((index, "blank"))
    return sorted(set(found))


def _context(text: str, index: int) -> str:
    start, end = max(0, index - 18), min(len(text), index + 18)
    return re.sub(f"{HOLE}[ {HOLE}]*{HOLE}|{HOLE}", "{…}", re.sub(r"\s+", " ", text[start:end])).strip()


def findings(path: str, source: str, units: list[Unit]) -> list[Finding]:
    """Every problem of `units` of the file `path` (whose text is `source`), with its line."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
    out = []
    for unit in units:
        text = unit.text
        for index, kind in problems(text):
            offset = unit.chars[index][1]
            line = bisect_right(line_starts, offset) if offset >= 0 else 0
            out.append(Finding(path, line, offset, index, kind, text[index], _context(text, index), text))
    return out


# --- templates ---------------------------------------------------------------------------------------

_JINJA_OPEN = re.compile(r"\{[{%#]")


def _quoted(source: str, start: int) -> tuple[list[tuple[str, int]], int]:
    """The characters of the string literal opening at `start` and the index after it."""
    quote, index, chars = source[start], start + 1, []
    while index < len(source) and source[index] != quote:
        if source[index] == "\\":
            index += 1
        chars.append((source[index], index))
        index += 1
    return chars, index + 1


def template_units(source: str, html: bool = True) -> list[Unit]:
    """The units of a Jinja template: its text (HTML or JavaScript) and the strings in its tags."""
    stream: list[tuple[str, int]] = []
    units: list[Unit] = []
    index = 0
    while index < len(source):
        match = _JINJA_OPEN.search(source, index)
        stop = match.start() if match else len(source)
        stream.extend((source[k], k) for k in range(index, stop))
        if not match:
            break
        stream.append((HOLE, -1))
        if source[match.start() + 1] == "#":
            index = source.index("#}", match.end()) + 2
            continue
        closer = "}}" if source[match.start() + 1] == "{" else "%}"
        index, strings = match.end(), []
        while not source.startswith(closer, index):
            if source[index] in "\"'":
                chars, index = _quoted(source, index)
                strings.append(chars)
            else:
                index += 1
        index += 2
        if strings:
            joined: list[tuple[str, int]] = []
            for chars in strings:
                joined.extend(chars + [(HOLE, -1)])
            units.append(Unit(joined))
    units.extend(html_units(stream) if html else script_units(stream))
    return units


_TAG_START = re.compile(r"<[A-Za-z/!]")


def html_units(stream: list[tuple[str, int]]) -> list[Unit]:
    """The text of an HTML stream (one unit, tags as HOLEs), its readable attribute values, CSS strings."""
    text = "".join(char for char, _ in stream)
    body: list[tuple[str, int]] = []
    units: list[Unit] = []
    index = 0
    while index < len(text):
        if text.startswith("<!--", index):
            index = text.index("-->", index) + 3
            body.append((HOLE, -1))
        elif _TAG_START.match(text, index):
            closing = text.startswith("</", index)
            name = re.match(r"</?([A-Za-z0-9!-]*)", text[index:]).group(1).lower()
            index, attributes = _tag(text, stream, index)
            units.extend(Unit(value) for key, value in attributes if key in TEXT_ATTRIBUTES)
            body.append((HOLE, -1))
            if name in ("script", "style") and not closing:
                end = text.lower().index(f"</{name}", index)
                inner = stream[index:end]
                units.extend(script_units(inner) if name == "script" else _css_strings(inner))
                index = end
        else:
            body.append(stream[index])
            index += 1
    units.append(Unit(body))
    return units


def _tag(text: str, stream: list[tuple[str, int]], index: int) -> tuple[int, list[tuple[str, list]]]:
    """Parse the tag at `index`: the index after its ">" and its (attribute name, value chars)."""
    index += re.match(r"</?[A-Za-z0-9!-]*", text[index:]).end()
    attributes = []
    while index < len(text) and text[index] != ">":
        name = re.match(r"[^\s=>/\"']+", text[index:])
        if not name:
            index += 1
            continue
        key = name.group(0).lower()
        index += len(key)
        after = re.match(r"\s*=\s*", text[index:])
        if not after:
            continue
        index += after.end()
        if index < len(text) and text[index] in "\"'":
            end = text.index(text[index], index + 1)
            attributes.append((key, stream[index + 1:end]))
            index = end + 1
        else:
            end = re.match(r"[^\s>]*", text[index:]).end() + index
            attributes.append((key, stream[index:end]))
            index = end
    return index + 1, attributes


def _css_strings(stream: list[tuple[str, int]]) -> list[Unit]:
    text = "".join(char for char, _ in stream)
    return [Unit(stream[m.start() + 1:m.end() - 1]) for m in re.finditer(r'"[^"\n]*"', text)]


# --- JavaScript --------------------------------------------------------------------------------------

def script_units(stream: list[tuple[str, int]]) -> list[Unit]:
    """The string and template literals of JavaScript (placeholders ${…} as HOLEs), one unit each."""
    text = "".join(char for char, _ in stream)
    units: list[Unit] = []
    index, previous = 0, ""
    while index < len(text):
        char = text[index]
        if text.startswith("//", index):
            index = text.find("\n", index)
            index = len(text) if index < 0 else index
        elif text.startswith("/*", index):
            index = text.index("*/", index) + 2
        elif char == "/" and (previous in "(,=:[!&|?{};+" or re.search(r"\b(return|typeof)\s*$", text[:index])):
            index += 1
            in_class = False
            while text[index] != "/" or in_class:
                if text[index] == "\\":
                    index += 1
                elif text[index] == "[":
                    in_class = True
                elif text[index] == "]":
                    in_class = False
                index += 1
            index += 1
            previous = "/"
        elif char in "\"'`":
            chars: list[tuple[str, int]] = []
            index += 1
            while text[index] != char:
                if text[index] == "\\":
                    index += 1
                    chars.append(stream[index])
                elif char == "`" and text.startswith("${", index):
                    depth, index = 1, index + 2
                    while depth:
                        depth += {"{": 1, "}": -1}.get(text[index], 0)
                        index += 1
                    chars.append((HOLE, -1))
                    continue
                else:
                    chars.append(stream[index])
                index += 1
            index += 1
            units.append(Unit(chars))
            previous = char
        else:
            if not char.isspace():
                previous = char
            index += 1
    return units


# --- Python ------------------------------------------------------------------------------------------

_REGEX_FUNCTIONS = frozenset({"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall",
                              "finditer"})


def _skipped_strings(tree: ast.AST) -> set[tuple[int, int]]:
    """(line, column) of docstrings and regular expressions: documentation and code, not text."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                skipped.add((first.value.lineno, first.value.col_offset))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REGEX_FUNCTIONS
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
              and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
            skipped.add((node.args[0].lineno, node.args[0].col_offset))
    return skipped


def _literal_chars(token: str, start: int, nested: list[Unit]) -> list[tuple[str, int]]:
    """The characters of one string token (prefix and quotes removed); f-string fields become HOLEs,
    and the string literals inside them (``{name or '（空）'}``) are added to `nested`."""
    prefix = re.match(r"[A-Za-z]*", token).group(0)
    quote = token[len(prefix):len(prefix) + 3] if token[len(prefix):len(prefix) + 3] in ('"""', "'''") else token[len(prefix)]
    body_start, body_end = len(prefix) + len(quote), len(token) - len(quote)
    formatted = "f" in prefix.lower()
    raw = "r" in prefix.lower()
    chars: list[tuple[str, int]] = []
    index = body_start
    while index < body_end:
        char = token[index]
        if char == "\\" and not raw:
            index += 1                      # an escaped character stands for itself (\" is a quote)
            chars.append((token[index], start + index))
        elif formatted and token.startswith(("{{", "}}"), index):
            chars.append((char, start + index))
            index += 1
        elif formatted and char == "{":
            depth = 0
            while True:
                c = token[index]
                if c in "\"'":
                    end = token.index(c, index + 1)
                    nested.append(Unit([(token[k], start + k) for k in range(index + 1, end)]))
                    index = end
                elif c in "{[(":
                    depth += 1
                elif c in "}])":
                    depth -= 1
                    if depth == 0:
                        break
                index += 1
            chars.append((HOLE, -1))
        else:
            chars.append((char, start + index))
        index += 1
    return chars


def python_units(source: str) -> list[Unit]:
    """The string literals of a Python module as units; adjacent literals ("a" "b") form one unit."""
    skipped = _skipped_strings(ast.parse(source))
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
    units: list[Unit] = []
    nested: list[Unit] = []
    current: list[tuple[str, int]] | None = None
    skipping = False
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            if current is None:
                current, skipping = [], token.start in skipped
            start = line_starts[token.start[0] - 1] + token.start[1]
            current.extend(_literal_chars(token.string, start, nested))
        elif token.type in (tokenize.NL, tokenize.COMMENT):
            continue
        elif current is not None:
            if not skipping:
                units.append(Unit(current))
            current = None
    return units + nested


# --- files -------------------------------------------------------------------------------------------

def file_units(path: Path, source: str) -> list[Unit]:
    """The units of one file by its kind: .py, .js (static script), .html/.js templates."""
    if not any(is_chinese(char) for char in source):
        return []                       # every finding needs Chinese in its unit
    if path.suffix == ".py":
        return python_units(source)
    if "templates" in path.parts:
        return template_units(source, html=path.suffix != ".js")
    return script_units([(char, index) for index, char in enumerate(source)])
