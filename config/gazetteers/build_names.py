"""One-off: rebuild ``first_names.txt`` and ``surnames.txt`` from farsi-faker's embedded name pools.

    python config/gazetteers/build_names.py PATH/TO/farsi_faker/data/names.pkl

farsi-faker 1.9.0 (PyPI, MIT licence, github.com/alisadeghiaghili/farsi-faker) ships ``names.pkl`` with
male, female and family names. Names that are also entries of hazm's lexicon (``hazm/data/words.dat``: ordinary
words such as «بهار», «جان», «صنعتی») go to the ``common`` section: they count as names only with an anchor
(honorific, role, a known surname). Letters are unified (ي/ك → ی/ک); ZWNJ is kept.
"""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

import hazm

HERE = Path(__file__).resolve().parent
_OK = re.compile(r"^[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u200c ]{2,}$")


def _unify(s: str) -> str:
    return s.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی").strip()


def main(pkl: str) -> None:
    data = pickle.loads(Path(pkl).read_bytes())
    lexicon = {
        _unify(line.split("\t", 1)[0]).replace("\u200c", " ")
        for line in (Path(hazm.__file__).parent / "data" / "words.dat")
        .read_text(encoding="utf-8")
        .splitlines()
    }
    for out, keys in (("first_names.txt", ("male_names", "female_names")), ("surnames.txt", ("last_names",))):
        names = {_unify(n) for k in keys for n in data[k]}
        names = {n for n in names if _OK.match(n) and len(n.replace(" ", "")) >= 3}
        strong = sorted(n for n in names if n.replace("\u200c", " ") not in lexicon)
        common = sorted(n for n in names if n.replace("\u200c", " ") in lexicon)
        head = (
            f"# {out}: from farsi-faker 1.9.0 names.pkl ({', '.join(keys)}), MIT licence; built by build_names.py.\n"
            "# [strong]: not an ordinary word in hazm's lexicon; [common]: also an ordinary word (needs an anchor).\n"
        )
        (HERE / out).write_text(
            head + "[strong]\n" + "\n".join(strong) + "\n[common]\n" + "\n".join(common) + "\n",
            encoding="utf-8",
        )
        print(out, len(strong), len(common))


if __name__ == "__main__":
    main(sys.argv[1])
