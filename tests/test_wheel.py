"""The wheel stands on its own: built from the repository, installed into a fresh virtual environment, it extracts a
real page from a directory outside the checkout, reading its gazetteers from the installed package data.

The fresh environment borrows the project venv's third-party packages through a ``.pth`` line (appended after its own
site-packages, so the installed wheel wins and the venv's editable khabar is never seen: ``.pth`` files of a path
added that way are not run), and the wheel is installed with ``--no-deps``: no registry is needed and it takes
seconds. The page is tests/extractors/real/pages/bbc-1 (provenance in tests/extractors/real/README.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from datetime import datetime
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "extractors" / "real"
PAGE = "bbc-1"


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert res.returncode == 0, f"{args}: {res.returncode}\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
    return res


def _checkout(dest: Path) -> Path:
    """The repository's files (tracked or new, not ignored; tests, benchmarks and docs left out) copied to `dest`:
    a build in the checkout would reuse its stale ``*.egg-info`` file lists and ship files the configuration
    no longer names."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        if rel.split("/", 1)[0] in ("tests", "bench", "docs") or not (ROOT / rel).is_file():
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, dest / rel)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the fresh venv, an environment for it): the wheel built and installed there."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is missing (it is in the dev extra: make install)")
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHABAR_", "PYTHON", "VIRTUAL_ENV"))}
    src, dist = _checkout(tmp / "src"), tmp / "dist"
    # --no-isolation: setuptools comes from the project venv (no download); sdist first, then the wheel from it,
    # so the sdist is checked to carry everything too.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, src], tmp, env)
    (wheel,) = dist.glob("khabar-*.whl")
    venv = tmp / "venv"
    _run([uv, "venv", "--quiet", "--python", sys.executable, venv], tmp, env)
    (site,) = venv.glob("lib/python*/site-packages")
    (site / "_khabar_project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(
        [uv, "pip", "install", "--quiet", "--offline", "--no-deps", "--python", venv / "bin/python", wheel],
        tmp,
        env,
    )
    return venv, env


def test_wheel_holds_the_package_data(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = installed
    probe = (
        "import json, khabar, khabar.config\n"
        "from importlib import resources\n"
        "from khabar.extractors.gazetteer import places, orgs\n"
        "print(json.dumps({'khabar': khabar.__file__,"
        " 'units': str(resources.files('khabar.config') / 'extract' / 'units.yaml'),"
        " 'provinces': sorted(set(places().province_names.values())), 'orgs': len(orgs().by_pattern)}))\n"
    )
    out = json.loads(_run([venv / "bin/python", "-c", probe], tmp_path, env).stdout)
    for key in ("khabar", "units"):
        assert Path(out[key]).is_relative_to(venv), out[key]  # the installed copy, not the checkout
    assert len(out["provinces"]) == 31 and "تهران" in out["provinces"]
    assert out["orgs"] > 0


def test_installed_khabar_extracts_a_page_outside_the_repository(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, env = installed
    golden = next(
        g for g in json.loads((REAL / "golden.json").read_text(encoding="utf-8")) if g["page"] == PAGE
    )
    page = tmp_path / "page.html"
    shutil.copyfile(REAL / "pages" / PAGE / "source.html", page)
    assert not tmp_path.is_relative_to(ROOT)
    res = _run([venv / "bin/khabar", "extract", page.name], tmp_path, env)
    (line,) = res.stdout.strip().split("\n")
    rec = json.loads(line)
    assert rec["is_article"] is True, rec["errors"]
    assert rec["title"] == golden["title"]
    assert golden["must"][0] in rec["body"] or golden["must"][0] in (rec["lead"] or "")
    assert rec["published_at"] is not None
    assert datetime.fromisoformat(rec["published_at"]).date().isoformat() == golden["date"]
