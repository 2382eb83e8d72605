"""The layers are enforced (issue 17): production code never imports the simulated web, and the import-linter
contracts in pyproject.toml hold on the repository and break on a real violation of each."""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import khabar

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = len(
    tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
)


def _production_modules() -> list[str]:
    names = ["khabar.pipeline", "khabar.extractors", "khabar.flows"]
    for info in pkgutil.walk_packages([str(Path(khabar.__file__).parent)], "khabar."):
        if not info.name.startswith("khabar.simweb"):
            names.append(info.name)
    return sorted(set(names))


def test_no_production_module_imports_the_simulated_web() -> None:
    modules = _production_modules()
    assert "khabar.cli" in modules and "khabar.pipeline.crawl_source" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.startswith('khabar.simweb')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _import_tree(dest: Path) -> Path:
    spec = importlib.util.spec_from_file_location("typecheck", ROOT / "tools" / "typecheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_tree(dest)


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports as `make lint` runs it: from inside the tree, with the repository's contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
    )


def _write(tree: Path, rel: str, extra: str) -> None:
    """Give the tree its own copy of `rel` (a module under its installed name, e.g. khabar/extractors/html.py) with
    `extra` appended, or a new module when there is none; the repository's files stay untouched."""
    here = tree
    for part in Path(rel).parts[:-1]:
        here = here / part
        if here.is_symlink():  # a linked folder: replace it by a folder of links to its entries
            target = here.resolve()
            here.unlink()
            here.mkdir()
            for entry in target.iterdir():
                if entry.name != "__pycache__":
                    (here / entry.name).symlink_to(entry)
    path = tree / rel
    text = path.read_text("utf-8") if path.exists() else ""
    if path.is_symlink():
        path.unlink()
    path.write_text(text + extra, "utf-8")


@pytest.fixture(scope="module")
def clean_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _import_tree(tmp_path_factory.mktemp("imports") / "tree")


def test_the_tree_holds_the_mapped_folders_under_their_installed_names(clean_tree: Path) -> None:
    for name in ("extractors", "flows", "config"):
        assert (clean_tree / "khabar" / name / "__init__.py").is_file()
    assert (clean_tree / "khabar" / "extractors").resolve() == ROOT / "extractors"


def test_the_contracts_hold(clean_tree: Path) -> None:
    res = _lint(clean_tree)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{CONTRACTS} kept, 0 broken" in res.stdout


@pytest.mark.parametrize(
    ("rel", "extra", "broken"),
    [
        # dedup is pure: the warehouse loads and writes for it
        (
            "khabar/dedup/cluster.py",
            "\nimport khabar.warehouse.db\n",
            "Each stage imports only the stages below it",
        ),
        # the warehouse does not lean on the crawler (its state types are in khabar.crawl_records)
        ("khabar/warehouse/crawl_state.py", "\nfrom khabar.crawl import parse\n", "Each stage imports only"),
        # a stage low down reaching for the pipeline, inside a function (checked all the same)
        ("khabar/crawl/sources.py", "\ndef _f():\n    import khabar.pipeline\n", "Each stage imports only"),
        # a new top-level module must be given a layer
        ("khabar/newstage.py", '"""A module no layer names."""\n', "Each stage imports only"),
        # the simulated web, reached from production (as dedup once did for its news agencies)
        (
            "khabar/warehouse/sources.py",
            "\ndef _f():\n    from khabar.simweb import directory\n",
            "Production code never imports",
        ),
        # the extractors under their installed name (extractors/ folder, khabar.extractors module)
        ("khabar/extractors/normalize.py", "\nimport duckdb\n", "The extractors and dedup run no SQL"),
        ("khabar/extractors/html.py", "\nimport httpx\n", "The extractors and dedup run no SQL"),
        ("khabar/dedup/urls.py", "\nimport duckdb\n", "The extractors and dedup run no SQL"),
        ("khabar/crawl/discovery.py", "\ndef _f():\n    import duckdb\n", "The crawler runs no SQL"),
        ("khabar/warehouse/search.py", "\nimport httpx\n", "The warehouse opens no socket"),
    ],
)
def test_each_contract_breaks_on_a_real_violation(tmp_path: Path, rel: str, extra: str, broken: str) -> None:
    tree = _import_tree(tmp_path / "tree")
    _write(tree, rel, extra)
    res = _lint(tree)
    assert res.returncode == 1, res.stdout + res.stderr
    line = next((ln for ln in res.stdout.splitlines() if ln.startswith(broken)), "")
    assert line.endswith("BROKEN"), res.stdout
    assert not (ROOT / "khabar" / "newstage.py").exists()


def test_the_tree_is_rebuilt_from_scratch(tmp_path: Path) -> None:
    tree = _import_tree(tmp_path / "tree")
    _write(tree, "khabar/newstage.py", "")
    assert _lint(_import_tree(tree)).returncode == 0
