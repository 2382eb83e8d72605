"""B6 — Persian dates and numbers: conformance with six peers' test suites, and B1's speed, before and after.

    .venv/bin/python -m bench.b6_persian [--pages N] [--base COMMIT] [--rounds R]

The cases are tests/extractors/conformance/{dates,numbers}.json (each names its source repository, path, commit
and line). BEFORE is the extractors/ and config/ of ``--base`` (default: the commit issue 14 started from), exported
with ``git archive`` into a temporary directory and imported ahead of the work tree in a child process; AFTER is
the work tree, in another child. Both are judged by the same code (tests/extractors/conformance/cases.py); the old
API has no ordinal reader, so its ordinal cases count as unread. B1 (bench/b1_extract.py, no baseline) runs on
the same simulated pages in both (B1's sampler and scorer; each child times three passes over the pages, wall and
CPU), interleaved ``--rounds`` times (old, new, old, new …); the best of each is reported with their ratio, since
the machine is shared (CPU time is the steadier figure there).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import ROOT

BASE = "420b2fb"  # main when issue 14 was started


def _rates(results: list[tuple[dict[str, Any], bool, str]], key: str) -> dict[str, dict[str, Any]]:
    by: dict[str, list[bool]] = defaultdict(list)
    for c, ok, _ in results:
        by[c[key]].append(ok)
    return {k: {"ok": sum(v), "n": len(v), "rate": round(sum(v) / len(v), 4)} for k, v in sorted(by.items())}


def measure(legacy: bool, pages: int) -> dict[str, Any]:
    """In the child: conformance of the ``extractors`` on sys.path, then B1 pages/s on ``pages`` pages."""
    from tests.extractors.conformance.cases import current_reader, run_dates, run_numbers

    if legacy:  # an archived checkout from before the khabar.extractors namespace, put first on sys.path
        import extractors  # type: ignore[import-not-found]
    else:
        from khabar import extractors

    if legacy:
        from tests.extractors.conformance.legacy import legacy_reader

        reader = legacy_reader()
    else:
        reader = current_reader()
    d, n = run_dates(reader), run_numbers(reader)
    out: dict[str, Any] = {"extractors": str(Path(extractors.__file__).parent)}
    for name, res in (("dates", d), ("numbers", n)):
        ok = sum(r[1] for r in res)
        out[name] = {
            "ok": ok,
            "n": len(res),
            "rate": round(ok / len(res), 4),
            "by_source": _rates(res, "source"),
            "by_form": _rates(res, "form"),
            "unread": [
                {"id": c["id"], "text": c["text"], "want": c["expected"], "got": got}
                for c, ok_, got in res
                if not ok_
            ],
        }
    if pages:
        from khabar.extractors import extract

        from bench.b1_extract import sample_pages, score_khabar

        sample = sample_pages(pages)
        truths = [t for t, _, _ in sample]
        extract(sample[0][1], url=truths[0].url, encoding=sample[0][2])  # warm the lexicons
        walls, cpus = [], []
        recs: list[dict[str, Any]] = []
        for _ in range(3):  # the machine is shared: CPU time (min of 3) is steadier than wall time
            w0, c0 = time.perf_counter(), time.process_time()
            recs = [extract(body, url=t.url, encoding=charset) for t, body, charset in sample]
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        scores = score_khabar(recs, truths)
        out["b1"] = {
            "pages_per_s": len(sample) / min(walls),
            "cpu_pages_per_s": len(sample) / min(cpus),
            **{k: scores[k] for k in ("date", "jalali", "quantities_p", "quantities_r")},
        }
    return out


def _child(path_first: str | None, legacy: bool, pages: int) -> dict[str, Any]:
    code = (
        "import json, sys\n"
        + (f"sys.path.insert(0, {path_first!r})\n" if path_first else "")
        + "from bench.b6_persian import measure\n"
        + f"print('@@RESULT@@' + json.dumps(measure({legacy!r}, {pages!r}), ensure_ascii=False, default=str))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.rsplit("@@RESULT@@", 1)[1])


def run(pages: int = 2000, base: str = BASE, rounds: int = 2) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="b6-base-") as tmp:
        tar = subprocess.run(
            ["git", "archive", base, "extractors", "config"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=tar, check=True)
        before = after = None
        speeds: dict[str, list[float]] = {"before": [], "after": []}
        cpu: dict[str, list[float]] = {"before": [], "after": []}
        for r in range(rounds):
            b = _child(tmp, True, pages)
            a = _child(None, False, pages)
            if r == 0:
                before, after = b, a
            for name, res in (("before", b), ("after", a)):
                if "b1" in res:
                    speeds[name].append(round(res["b1"]["pages_per_s"], 1))
                    cpu[name].append(round(res["b1"]["cpu_pages_per_s"], 1))
    assert before is not None and after is not None
    out: dict[str, Any] = {"base": base, "pages": pages, "rounds": rounds}
    for name in ("dates", "numbers"):
        out[name] = {
            "before": {k: before[name][k] for k in ("ok", "n", "rate")},
            "after": {k: after[name][k] for k in ("ok", "n", "rate")},
            "by_source": [
                {"source": s, "before": before[name]["by_source"][s]["rate"], "after": v["rate"], "n": v["n"]}
                for s, v in after[name]["by_source"].items()
            ],
            "by_form": [
                {"form": f, "before": before[name]["by_form"][f]["rate"], "after": v["rate"], "n": v["n"]}
                for f, v in after[name]["by_form"].items()
            ],
            "unread_after": after[name]["unread"],
        }
    if pages:
        best_b, best_a = max(speeds["before"]), max(speeds["after"])
        cpu_b, cpu_a = max(cpu["before"]), max(cpu["after"])
        out["b1"] = {
            "before_pages_per_s": best_b,
            "after_pages_per_s": best_a,
            "ratio": round(best_a / best_b, 3),
            "before_cpu_pages_per_s": cpu_b,
            "after_cpu_pages_per_s": cpu_a,
            "cpu_ratio": round(cpu_a / cpu_b, 3),
            "all_before": speeds["before"],
            "all_after": speeds["after"],
            "all_cpu_before": cpu["before"],
            "all_cpu_after": cpu["after"],
            "before_scores": before["b1"],
            "after_scores": after["b1"],
        }
    # flat rows, so `python -m bench` prints a table of them
    out["summary"] = [
        {
            "measure": f"{name} conformance",
            "before": f"{out[name]['before']['ok']}/{out[name]['before']['n']}",
            "after": f"{out[name]['after']['ok']}/{out[name]['after']['n']}",
            "before_rate": out[name]["before"]["rate"],
            "after_rate": out[name]["after"]["rate"],
        }
        for name in ("dates", "numbers")
    ]
    if "b1" in out:
        for kind, key in (("wall", ""), ("CPU", "_cpu")):
            b, a = out["b1"][f"before{key}_pages_per_s"], out["b1"][f"after{key}_pages_per_s"]
            out["summary"].append(
                {
                    "measure": f"B1 {kind} pages/s",
                    "before": b,
                    "after": a,
                    "before_rate": None,
                    "after_rate": round(a / b, 3),
                }
            )
    return out


def table(out: dict[str, Any]) -> str:
    lines = []
    for name in ("dates", "numbers"):
        d = out[name]
        lines.append(
            f"{name}: {d['before']['ok']}/{d['before']['n']} ({d['before']['rate']:.1%}) → "
            f"{d['after']['ok']}/{d['after']['n']} ({d['after']['rate']:.1%})"
        )
        for row in d["by_source"]:
            lines.append(
                f"  {row['source']:<32} {row['before']:>7.1%} → {row['after']:>7.1%}  (n={row['n']})"
            )
        for row in d["by_form"]:
            lines.append(
                f"  form {row['form']:<27} {row['before']:>7.1%} → {row['after']:>7.1%}  (n={row['n']})"
            )
        for u in d["unread_after"]:
            lines.append(f"  unread: {u['id']} {u['text']!r} want {u['want']} got {u['got']}")
    if "b1" in out:
        b = out["b1"]
        lines.append(
            f"B1 wall pages/s (best of {out['rounds']}×3): before {b['before_pages_per_s']}, after "
            f"{b['after_pages_per_s']} (×{b['ratio']}); per round before {b['all_before']}, after "
            f"{b['all_after']}"
        )
        lines.append(
            f"B1 CPU pages/s: before {b['before_cpu_pages_per_s']}, after {b['after_cpu_pages_per_s']} "
            f"(×{b['cpu_ratio']}); per round before {b['all_cpu_before']}, after {b['all_cpu_after']}"
        )
        lines.append(f"B1 scores before {b['before_scores']}")
        lines.append(f"B1 scores after  {b['after_scores']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--base", default=BASE)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    out = run(args.pages, args.base, args.rounds)
    print(table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
