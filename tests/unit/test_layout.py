"""The tests mirror the packages: every folder under tests/unit and tests/functional names a package of lms
(tests/unit/teaching/ → lms/teaching/, a folder inside it → a subpackage such as lms/teaching/services/), so a
domain's tests are found where its code is. The one package outside lms is config/ (tests/unit/config/).
A test file left at the top of tests/functional is a test of every domain at once and says so in its README."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
#: The project's packages beside lms (config/ holds load_config; its tests are tests/unit/config/).
OTHER_PACKAGES = ("config",)


def _is_package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file()


def folders_naming_no_package(tests: Path, root: Path = ROOT) -> list[str]:
    """The folders under `tests` (tests/unit or tests/functional) whose path names no package of the project."""
    bad = []
    for folder in sorted(path for path in tests.rglob("*") if path.is_dir() and path.name != "__pycache__"):
        parts = folder.relative_to(tests).parts
        base = root if len(parts) == 1 and parts[0] in OTHER_PACKAGES else root / "lms"
        if not _is_package(base.joinpath(*parts)):
            bad.append(folder.relative_to(root).as_posix())
    return bad


@pytest.mark.parametrize("kind", ["unit", "functional"])
def test_every_test_folder_names_a_package(kind):
    bad = folders_naming_no_package(TESTS / kind)
    assert bad == [], f"test folders that name no package of lms (name them after lms/<domain>/): {bad}"


def test_the_check_finds_a_folder_that_names_no_package(tmp_path):
    """The check above is no tautology: a folder named after a concern, not a package, is found."""
    (tmp_path / "lms" / "teaching" / "services").mkdir(parents=True)
    for package in ("lms", "lms/teaching", "lms/teaching/services"):
        (tmp_path / package / "__init__.py").write_text("")
    tests = tmp_path / "tests" / "unit"
    for folder in ("teaching/services", "config", "helpers", "teaching/sheets"):
        (tests / folder).mkdir(parents=True)
    assert folders_naming_no_package(tests, tmp_path) == [
        "tests/unit/config", "tests/unit/helpers", "tests/unit/teaching/sheets"]


def test_every_test_at_the_top_of_functional_says_why_in_the_readme():
    readme = (TESTS / "functional" / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^- `(test_\w+\.py)`", readme, flags=re.MULTILINE))
    present = {path.name for path in (TESTS / "functional").glob("test_*.py")}
    assert present - named == set(), "tests at the top of tests/functional without a reason in its README " \
                                     "(move them to tests/functional/<domain>/ or say why they span every domain)"
    assert named - present == set(), "tests/functional/README.md names tests that are not there"
