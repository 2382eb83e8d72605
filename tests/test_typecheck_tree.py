"""tools/typecheck.py: the link tree gives mypy the installed shape (khabar.extractors from extractors/, …), so every
production module is checked under its real name and errors point at repository files."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("typecheck", ROOT / "tools" / "typecheck.py")
assert _spec is not None and _spec.loader is not None
typecheck = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(typecheck)


def _modules(base: Path, prefix: str) -> set[str]:
    """Dotted names of the .py files under `base` (following symlinks), as `prefix.sub.module`."""
    out = set()
    for folder, dirs, files in os.walk(base, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = Path(folder).relative_to(base).parts
        out |= {".".join((prefix, *rel, f[:-3])) for f in files if f.endswith(".py")}
    return out


def test_the_tree_holds_every_production_module_under_its_installed_name(tmp_path: Path) -> None:
    mapping = typecheck.package_dirs()
    assert {"khabar.extractors", "khabar.flows", "khabar.config"} <= set(mapping)
    tree = typecheck.build_tree(tmp_path / "tree", mapping)
    expected = _modules(ROOT / "khabar", "khabar")
    for name, folder in mapping.items():
        expected |= _modules(folder, name)
    assert _modules(tree / "khabar", "khabar") == expected
    assert "khabar.extractors.dates" in expected and "khabar.flows.ingest" in expected
    assert (tree / "khabar" / "extractors" / "dates.py").resolve() == ROOT / "extractors" / "dates.py"


def test_a_rebuild_sees_new_modules(tmp_path: Path) -> None:
    """Rebuilt on every run and linked by directory: a module added since is never missed."""
    mapping = {"khabar.extractors": tmp_path / "src"}
    (tmp_path / "src").mkdir()
    typecheck.build_tree(tmp_path / "tree", mapping)
    (tmp_path / "src" / "late.py").write_text("x: int = 1\n")
    assert (tmp_path / "tree" / "khabar" / "extractors" / "late.py").is_file()
    typecheck.build_tree(tmp_path / "tree", mapping)  # over an existing tree
    assert (tmp_path / "tree" / "khabar" / "extractors" / "late.py").is_file()


def test_a_package_laid_out_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="laid out twice"):
        typecheck.build_tree(tmp_path / "tree", {"khabar.crawl": ROOT / "extractors"})  # khabar/crawl exists


@pytest.mark.parametrize(
    ("inside", "shown"),
    [
        ("khabar/extractors/dates.py", "extractors/dates.py"),
        ("khabar/flows/ingest.py", "flows/ingest.py"),
        ("khabar/crawl/http.py", "khabar/crawl/http.py"),
    ],
)
def test_messages_name_repository_files(tmp_path: Path, inside: str, shown: str) -> None:
    tree = typecheck.build_tree(tmp_path / "tree")
    line = f"{tree / inside}:12: error: something  [misc]"
    assert typecheck.repo_path(line) == f"{shown}:12: error: something  [misc]"


@pytest.mark.parametrize(
    "line",
    ["Found 3 errors in 2 files (checked 119 source files)", "/usr/lib/python3.11/typing.pyi:5: note: here"],
)
def test_other_lines_are_left_alone(line: str) -> None:
    assert typecheck.repo_path(line) == line
