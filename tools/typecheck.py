"""Run mypy over every production package, including the folders installed under another name.

(Also `--tree DEST`: the same tree for lint-imports in `make lint`.)

`extractors/`, `flows/` and `config/` install as `khabar.extractors`, `khabar.flows` and `khabar.config` through
`[tool.setuptools.package-dir]`. mypy cannot follow that mapping (python/mypy#10564) and setuptools' default editable
install resolves it with an import hook mypy does not run, so this script lays the installed shape out as a tree of
symlinks under `build/typecheck/` (the approach CPython takes for its own mypy runs) and points mypy at it through
`mypy_path`. The tree is rebuilt on every run, so new modules are never missed; directories are linked whole. mypy
reports paths inside the tree; they are printed back as repository paths so editors and humans can follow them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"
_LOCATION = re.compile(r"^(?P<path>[^:\s][^:]*\.pyi?)(?P<rest>:.*)$")


def package_dirs(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Path]:
    """The `[tool.setuptools.package-dir]` mapping: dotted package name -> source folder."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    mapping = config.get("tool", {}).get("setuptools", {}).get("package-dir", {})
    return {name: ROOT / folder for name, folder in mapping.items()}


def build_tree(tree: Path = TREE, mapping: dict[str, Path] | None = None) -> Path:
    """Lay out the installed package shape as symlinks under `tree` and return it.

    Every top-level package (`khabar`) becomes a real directory whose entries link to the repository's `khabar/`
    entries; each remapped subpackage (`khabar.extractors`) links to its own folder in place.
    """
    mapping = package_dirs() if mapping is None else mapping
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    remapped: dict[Path, Path] = {tree.joinpath(*name.split(".")): folder for name, folder in mapping.items()}
    tops = {name.split(".")[0] for name in mapping}
    for top in sorted(tops):
        source = ROOT / top
        target = tree / top
        target.mkdir()
        for entry in sorted(source.iterdir()):
            if entry.name != "__pycache__":
                _link(target / entry.name, entry)
    for link, folder in sorted(remapped.items()):
        link.parent.mkdir(parents=True, exist_ok=True)
        _link(link, folder)
    return tree


def _link(link: Path, target: Path) -> None:
    """A relative symlink, so the tree survives the checkout moving."""
    if link.is_symlink() or link.exists():
        raise SystemExit(f"typecheck: {link} is laid out twice; check [tool.setuptools.package-dir]")
    link.symlink_to(os.path.relpath(target, link.parent))


def repo_path(line: str) -> str:
    """Rewrite a mypy message's `build/typecheck/...` location into the file's path in the repository."""
    match = _LOCATION.match(line)
    if match is None:
        return line
    path = Path(match["path"])
    real = (ROOT / path if not path.is_absolute() else path).resolve()
    try:
        shown = real.relative_to(ROOT).as_posix()
    except ValueError:  # a file outside the repository (typeshed, site-packages)
        return line
    return shown + match["rest"]


def main(argv: list[str]) -> int:
    """Build the tree, run mypy with the pyproject configuration, print repository paths; mypy's exit status."""
    from mypy import api  # the dev extra; imported late so `--help`-free tools can import this module

    if argv[:1] == ["--tree"]:  # the same tree for lint-imports (grimp walks folders just as mypy does)
        if len(argv) != 2:
            raise SystemExit("usage: typecheck.py --tree DEST")
        build_tree(Path(argv[1]).resolve())
        return 0
    build_tree()
    os.chdir(ROOT)
    stdout, stderr, status = api.run(argv)
    for line in stdout.splitlines():
        print(repo_path(line))
    if stderr:
        print(stderr, end="", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
