"""Lay out the `khabar` package as it installs, as a tree of links, for import-linter (`make lint`).

Why: grimp (import-linter's graph builder) finds a root package's modules by walking the folder of that package
only, so the folders that `[tool.setuptools.package-dir]` maps into the namespace (`extractors/` as
`khabar.extractors`, `flows/`, `config/`) would be missing from the graph and their imports never checked. The tree
holds a link to every entry of `khabar/` plus one per mapped folder, so the graph has every module under its
installed name; it is rebuilt on each run (new modules are seen at once) and reads no installed metadata, so it
works the same on a fresh clone. Run lint-imports from inside the tree: it puts the working directory first on
``sys.path``.

Usage: ``python .ci/import_tree.py DEST`` (DEST is emptied first).
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "khabar"


def build(dest: Path, root: Path = ROOT) -> Path:
    """Write the tree into `dest` (replacing what is there) and return `dest`; `root` is the repository."""
    mapping = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-dir"]
    if dest.is_symlink() or dest.is_file():
        dest.unlink()
    elif dest.exists():
        shutil.rmtree(dest)
    pkg = dest / PACKAGE
    pkg.mkdir(parents=True)
    for entry in (root / PACKAGE).iterdir():
        if entry.name != "__pycache__":
            (pkg / entry.name).symlink_to(entry.resolve())
    for name, folder in mapping.items():
        head, _, tail = name.partition(".")
        if head != PACKAGE or not tail or "." in tail:
            raise SystemExit(f"import_tree: cannot lay out the package-dir entry {name!r} = {folder!r}")
        link = pkg / tail
        if link.exists() or link.is_symlink():
            raise SystemExit(f"import_tree: {name} is both a folder of {PACKAGE}/ and mapped to {folder!r}")
        link.symlink_to((root / folder).resolve())
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build(Path(sys.argv[1]))
