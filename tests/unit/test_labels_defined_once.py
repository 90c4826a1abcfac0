"""Every vocabulary's labels are written once: lms/rules/vocab.py for the codes the rules use, the domain's
models.py for the others. Everywhere else imports them, so renaming a label is one edit.

A scan of lms/ and templates/: no two code → label maps share entries, no *_LABELS name is defined in two
modules, no list of label words repeats another list or a map's labels, and no template spells a map.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Importers' sample rows are data, not vocabularies (two imports may show the same sample person).
SAMPLE_NAMES = {"example", "examples"}


@cache
def _modules() -> tuple[tuple[str, ast.Module], ...]:
    return tuple((path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
                 for path in sorted((ROOT / "lms").rglob("*.py")))


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _samples(tree) -> set[int]:
    """ids of the dict literals assigned to a sample name (`example = {...}`)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                isinstance(target, ast.Name) and target.id in SAMPLE_NAMES for target in node.targets):
            found.add(id(node.value))
    return found


@cache
def label_maps() -> tuple[tuple[str, dict[str, str]], ...]:
    """Every dict literal in lms/ that maps codes (no Chinese) to Chinese words: (where, {code: label})."""
    maps = []
    for name, tree in _modules():
        samples = _samples(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict) or id(node) in samples:
                continue
            entries = {}
            for key, value in zip(node.keys, node.values, strict=True):
                code, label = (_text(key) if key is not None else None), _text(value)
                if code is not None and label is not None and not HAN.search(code) and HAN.search(label):
                    entries[code] = label
            if entries:
                maps.append((f"{name}:{node.lineno}", entries))
    return tuple(maps)


def test_no_two_code_label_maps_share_entries():
    """A map that repeats two or more code → label entries of another is a copy: import the one map (or
    build a variant from it, e.g. {**HOUR_CATEGORY_LABELS, "P": "平台线上"})."""
    copies = []
    for (here, one), (there, other) in combinations(label_maps(), 2):
        shared = {code for code in one.keys() & other.keys() if one[code] == other[code]}
        if len(shared) >= 2:
            copies.append(f"{here} and {there} both map {sorted(shared)}")
    assert copies == []


def test_no_labels_name_is_defined_in_two_modules():
    defined = defaultdict(set)
    for name, tree in _modules():
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id.endswith("LABELS"):
                    defined[target.id].add(name)
    assert {label: sorted(where) for label, where in defined.items() if len(where) > 1} == {}


def test_no_list_of_label_words_is_written_twice():
    """A tuple of Chinese words equal to another, or to the labels of a map, is a copy (e.g. an importer's
    shown=("面授", "线上直播") is tuple(SESSION_MODE_LABELS.values()))."""
    seen = defaultdict(list)
    for where, labels in label_maps():
        if len(labels) >= 2:
            seen[frozenset(labels.values())].append(f"{where} (map)")
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 2:
                words = [_text(element) for element in node.elts]
                if all(word is not None and HAN.search(word) for word in words):
                    seen[frozenset(words)].append(f"{name}:{node.lineno}")
    copies = {", ".join(sorted(words)): where for words, where in seen.items()
              if len(where) > 1 and any(not w.endswith("(map)") for w in where)}
    assert copies == {}


def test_templates_spell_no_label_maps():
    """Labels reach templates from Python (a *_label property or a map the view passes), never as a
    Jinja dict literal {"code": "中文"} or a code → word conditional."""
    literal = re.compile(r"""['"][\w-]+['"]\s*:\s*['"][^'"]*[\u4e00-\u9fff]""")
    conditional = re.compile(r"""['"][\u4e00-\u9fff]{1,8}['"]\s+if\s+[\w.]+\s*==\s*['"][a-z_]+['"]\s+else\s+['"]"""
                             r"""[\u4e00-\u9fff]""")
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line) or conditional.search(line):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{number}")
    assert found == []
