"""Production code never imports the simulated web (issue 17): it plugs in only through entry points."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import khabar


def _production_modules() -> list[str]:
    names = ["khabar.pipeline", "khabar.extractors", "khabar.flows"]
    for info in pkgutil.walk_packages([str(Path(khabar.__file__).parent)], "khabar."):
        if not info.name.startswith("khabar.simweb"):
            names.append(info.name)
    return sorted(set(names))


@pytest.mark.xfail(
    strict=True, reason="khabar.dedup.evaluate still imports khabar.simweb.model: the dedup helper moves it"
)
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
