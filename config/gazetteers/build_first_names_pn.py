"""One-off: build ``first_names_pn.txt`` from persian-names' lists of given names.

    python config/gazetteers/build_first_names_pn.py PATH/TO/persian_names/data

persian-names 1.5.1 (PyPI, MIT licence, Copyright (c) 2022 Arman Yazdi) ships ``male_fa.txt`` and
``female_fa.txt``: 665 given names in current use. Only those the other first-name files lack are kept. Many are
also ordinary words («ندا», «همایون», «بهار», «نور»): those go to ``[common]``, so they need an anchor (a title,
a role, a list of names) like farsi-faker's common names; the others go to ``[strong]``. Letters are unified
(ي/ك → ی/ک), ZWNJ is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hazm

HERE = Path(__file__).resolve().parent


def _unify(s: str) -> str:
    return s.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی").strip()


def _names(path: Path) -> set[str]:
    return {
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "["))
    }


def main(folder: str) -> None:
    lexicon = {
        _unify(line.split("\t", 1)[0]).replace("\u200c", " ")
        for line in (Path(hazm.__file__).parent / "data" / "words.dat")
        .read_text(encoding="utf-8")
        .splitlines()
    }
    have = _names(HERE / "first_names.txt") | _names(HERE / "first_names_pgd.txt")
    names = {_unify(n) for f in ("male_fa.txt", "female_fa.txt") for n in _names(Path(folder) / f)}
    names = {n for n in names if len(n.replace(" ", "")) >= 3 and n not in have}
    strong = sorted(n for n in names if n.replace("\u200c", " ") not in lexicon)
    common = sorted(n for n in names if n.replace("\u200c", " ") in lexicon)
    head = (
        "# first_names_pn.txt: from persian-names 1.5.1 male_fa.txt/female_fa.txt, MIT licence;\n"
        "# built by build_first_names_pn.py: names the other first-name files lack, split by hazm's lexicon.\n"
    )
    (HERE / "first_names_pn.txt").write_text(
        head + "[strong]\n" + "\n".join(strong) + "\n[common]\n" + "\n".join(common) + "\n", encoding="utf-8"
    )
    print(len(strong), len(common))


if __name__ == "__main__":
    main(sys.argv[1])
