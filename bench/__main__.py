"""`make bench` / `python -m bench [--quick] [--only b1,b5]`: run the benchmarks, print a table per benchmark,
write bench/results/latest.json. Sizes follow issue 7; --quick shrinks them for a smoke run."""

from __future__ import annotations

import argparse
import importlib
import json
import time
from typing import Any

from bench.common import RESULTS, machine, save, table

# name -> (module, full-size kwargs, quick kwargs)
BENCHES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "b1": ("bench.b1_extract", {"pages": 2000}, {"pages": 300}),
    # B2: 10k and 100k pages, plain and as a Prefect flow: ~1 h here; `--only b2` runs it alone
    "b2": ("bench.b2_end_to_end", {"sizes": [10_000, 100_000]}, {"sizes": [300, 900]}),
    "b3": ("bench.b3_daily_nothing_new", {}, {"quick": True}),
    "b4": ("bench.b4_dedup", {}, {"sizes": [20_000]}),
    "b5": ("bench.b5_load", {"rows": 50_000, "baseline_rows": 2_000}, {"rows": 10_000, "baseline_rows": 500}),
    # B6: Persian date/number conformance before/after issue 14, and B1 pages/s on the old and new extractors
    "b6": ("bench.b6_persian", {"pages": 2000, "rounds": 2}, {"pages": 300, "rounds": 1}),
    "b10": ("bench.b10_report", {"releases": 100_000}, {"releases": 5_000}),
    # B8: persons on Arman (../shared), the roles set, B1 pages/s of the issue-15 baseline commit and of this tree
    "b8": ("bench.b8_people", {"b1_pages": 600}, {"b1_pages": 150}),
    "b11": ("bench.b11_republish", {}, {"limit": 120}),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument("--only", default="", help="comma-separated subset, e.g. b1,b5")
    args = ap.parse_args()
    wanted = [b.strip() for b in args.only.split(",") if b.strip()] or list(BENCHES)
    # merge into the previous results: running one benchmark must not erase the others' figures
    previous = RESULTS / "latest.json"
    results: dict[str, Any] = json.loads(previous.read_text(encoding="utf-8")) if previous.is_file() else {}
    results.update({"machine": machine(), "quick": args.quick, "started": time.strftime("%F %T%z")})
    for name in wanted:
        module, full, quick = BENCHES[name]
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            print(f"\n== {name}: skipped ({exc})")
            continue
        print(f"\n== {name}: {(mod.__doc__ or '').strip().splitlines()[0]}", flush=True)
        t0 = time.perf_counter()
        out = mod.run(**(quick if args.quick else full))
        out["bench_seconds"] = round(time.perf_counter() - t0, 1)
        results[name] = out
        for key, value in out.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                print(f"-- {key}\n{table(value)}")
            elif not isinstance(value, dict | list):
                print(f"-- {key}: {value}")
        save(results)
    path = save(results)
    print(f"\nresults: {path}")
    print(json.dumps(results["machine"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
