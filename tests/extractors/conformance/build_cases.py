"""Rebuild dates.json and numbers.json from snapshots of the peers' repositories (run by hand, not by pytest).

    python tests/extractors/conformance/build_cases.py [MIRROR_ROOT]

MIRROR_ROOT holds bare git snapshots named ``owner+name/repo`` (as the project's fetch tool leaves them). Every case
records the repository, path, commit and line it came from; the line is found by searching the file for the case's
text, so a case whose text is not in the cited file stops the build. Expected values are the peer's own, converted
to khabar's contract where the conventions differ (see README.md in this folder); cases that test a convention
khabar does not share are left out here, each group with its reason in a comment.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime

HERE = Path(__file__).parent
TEHRAN = ZoneInfo("Asia/Tehran")
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
# every date case is read as if fetched at this instant (relative cases are expected against it)
FETCHED = datetime(2026, 12, 2, 9, 0, tzinfo=TEHRAN)

REPOS = {
    "dateparser": "scrapinghub/dateparser",
    "persiantools": "majiidd/persiantools",
    "jdatetime": "slashmili/python-jalali",
    "persian-tools": "persian-tools/persian-tools",
    "num2fawords": "5j9/num2fawords",
    "parstdex": "kargaranamir/parstdex",
}


class Repo:
    def __init__(self, root: Path, name: str) -> None:
        owner_name = REPOS[name].replace("/", "+")
        base = root / owner_name / "repo"
        self.git = base / ".git" if (base / ".git").is_dir() else base
        self.name = REPOS[name]
        self.commit = self._git("rev-parse", "HEAD").strip()
        self._files: dict[str, str] = {}

    def _git(self, *args: str) -> str:
        return subprocess.run(
            ["git", f"--git-dir={self.git}", *args], check=True, capture_output=True, text=True
        ).stdout

    def text(self, path: str) -> str:
        if path not in self._files:
            self._files[path] = self._git("show", f"HEAD:{path}")
        return self._files[path]

    def line_of(self, path: str, needle: str, after: int = 0) -> int:
        """1-based line of the first occurrence of ``needle`` at or after line ``after``."""
        lines = self.text(path).splitlines()
        for n, line in enumerate(lines[after:], start=after + 1):
            if needle in line:
                return n
        raise SystemExit(
            f"{self.name}:{path}: {needle!r} not found — the cited source does not hold this case"
        )

    def cite(self, path: str, needle: str, after: int = 0) -> dict[str, Any]:
        return {
            "source": self.name,
            "path": path,
            "commit": self.commit,
            "line": self.line_of(path, needle, after),
        }


def iso(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, *, jalali: bool = True) -> str:
    if jalali:
        g = jdatetime.date(y, m, d).togregorian()
        y, m, d = g.year, g.month, g.day
    return datetime(y, m, d, h, mi, s, tzinfo=TEHRAN).isoformat()


def date_cases(root: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(
        c: dict[str, Any],
        text: str,
        expected: str | None,
        form: str,
        note: str = "",
        precision: str = "exact",
    ) -> None:
        out.append(
            {
                **c,
                "text": text,
                "expected": expected,
                "form": form,
                "precision": precision,
                "fetched_at": FETCHED.isoformat(),
                **({"note": note} if note else {}),
            }
        )

    # --- dateparser: Jalali calendar tests (naive datetimes = wall-clock time; khabar gives it in Asia/Tehran)
    dp = Repo(root, "dateparser")
    path = "tests/test_jalali.py"
    src = dp.text(path)
    for m in re.finditer(r'param\(\s*date_string="([^"]+)",\s*dt=datetime\(([\d, ]+)\)', src):
        text, parts = m.group(1), [int(x) for x in m.group(2).split(",")]
        g = datetime(*parts, tzinfo=TEHRAN)  # type: ignore[misc]
        form = (
            "time-in-words"
            if "دقیقه" in text
            else "ordinal-day"
            if not re.search(r"[\d۰-۹]+ [^\d۰-۹ ]+ ", text)
            else "two-digit-year"
            if re.search(r" (?:94|02) ", text)
            else "with-time"
            if ":" in text
            else "day-month-year"
        )
        add(dp.cite(path, text), text, g.isoformat(), form, "naive wall-clock datetime read as Asia/Tehran")
    # test_search.py: Gregorian month names in Persian (a month with no day is dateparser's day 1: khabar needs a day,
    # so «سپتامبر 1939» alone is expected to give no date)
    path = "tests/test_search.py"
    add(
        dp.cite(path, "2 سپتامبر 1945"),
        "2 سپتامبر 1945",
        iso(1945, 9, 2, jalali=False),
        "gregorian-month",
        "naive datetime read as Asia/Tehran",
    )
    add(
        dp.cite(path, "سپتامبر 1939"),
        "سپتامبر 1939",
        None,
        "no-date",
        "dateparser fills a missing day with 1; khabar does not invent a day: no date",
    )
    path = "tests/test_languages.py"
    add(
        dp.cite(path, "ژانویه 8, 2015، ساعت 15:46"),
        "ژانویه 8, 2015، ساعت 15:46",
        iso(2015, 1, 8, 15, 46, jalali=False),
        "gregorian-month",
        "dateparser only checks it parses; the value is the one the words state",
    )
    # fa language data: every Gregorian month name and alias, in a «day month year» sentence
    path = "dateparser/data/date_translation_data/fa.py"
    info = ast.literal_eval(dp.text(path).split("=", 1)[1])
    months = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
    for n, key in enumerate(months, start=1):
        for k, name in enumerate(info[key]):
            c = dp.cite(path, f'"{name}"')
            day = 3 + 2 * n + k
            digits = ["۰۱۲۳۴۵۶۷۸۹", "0123456789", "٠١٢٣٤٥٦٧٨٩"][(n + k) % 3]
            tr = str.maketrans("0123456789", digits)
            text = f"{day} {name} {2015 + k}".translate(tr)
            add(
                c,
                text,
                iso(2015 + k, n, day, jalali=False),
                "gregorian-month",
                "alias from the fa data placed in a «day month year» expression",
            )
    # fa data, relative words and patterns (dateparser measures them from now: khabar from fetched_at)
    for word, delta, prec in (
        ("امروز", timedelta(0), "day"),
        ("دیروز", timedelta(days=1), "day"),
        ("اکنون", timedelta(0), "minute"),
    ):
        add(
            dp.cite(path, f'"{word}"'),
            word,
            (FETCHED - delta).isoformat(),
            "relative",
            "now = fetched_at",
            prec,
        )
    for unit, n, delta, prec in (
        ("روز", 3, timedelta(days=3), "day"),
        ("ساعت", 2, timedelta(hours=2), "minute"),
        ("دقیقه", 45, timedelta(minutes=45), "minute"),
        ("ثانیه", 30, timedelta(seconds=30), "minute"),
        ("هفته", 2, timedelta(weeks=2), "day"),
    ):
        c = dp.cite(path, f") {unit} پیش")
        add(
            c,
            f"{n} {unit} پیش",
            (FETCHED - delta).isoformat(),
            "relative",
            "pattern «(\\d+) unit پیش» from the fa data with a number put in; now = fetched_at",
            prec,
        )

    # --- persiantools: strftime outputs read back, strptime inputs
    pt = Repo(root, "persiantools")
    path = "tests/test_jalalidate.py"
    for text, ymd in (
        ("۱۳۶۷-۰۲-۱۴", (1367, 2, 14)),
        ("شنبه ۰۱ خرداد ۱۳۹۵", (1395, 3, 1)),
        ("۹۵/۰۳/۰۱", (1395, 3, 1)),
        ("۱۳۹۵-۰۳-۰۱", (1395, 3, 1)),
        ("دوشنبه ۲۹ بهمن ۱۳۹۷", (1397, 11, 29)),
        ("۱۳۹۷-۱۱-۲۹", (1397, 11, 29)),
        ("جمعه ۲۵ تیر ۱۴۰۰", (1400, 4, 25)),
        ("یکشنبه, ۰۱ فروردین ۱۴۰۰", (1400, 1, 1)),
        ("Shanbeh 01 Khordad 1395", (1395, 3, 1)),
        ("Doshanbeh 29 Bahman 1397", (1397, 11, 29)),
        ("Yekshanbeh, 01 Farvardin 1400", (1400, 1, 1)),
    ):
        form = (
            "two-digit-year"
            if text.startswith("۹۵")
            else "latin-month"
            if text.isascii()
            else "numeric"
            if "-" in text
            else "day-month-year"
        )
        add(
            pt.cite(path, f'"{text}"'),
            text,
            iso(*ymd),
            form,
            "strftime output of JalaliDate" + str(ymd) + " read back",
        )
    for m in re.finditer(
        r'strptime\(\s*"([^"]+)",\s*"([^"]+)"(?:,\s*locale="\w+")?\s*\),\s*JalaliDate\((\d+), (\d+), (\d+)',
        pt.text(path),
    ):
        text, fmt = m.group(1), m.group(2)
        y, mo, d = int(m.group(3)), int(m.group(4)), int(m.group(5))
        if "%y" in fmt and y >= 1450:
            continue  # strptime's %y pivot (70 → 1470): khabar reads a two-digit year as the latest one not after fetching
        if text.startswith(("Date:", "Year ", "Jalali:")):
            continue  # format-string literals, not how a date is written
        if text.isdigit():
            continue  # «13670214»: bare digits (khabar must not read ids as dates)
        if pt.text(path).splitlines()[pt.line_of(path, f'"{text}"') - 1].lstrip().startswith("#"):
            continue  # commented out upstream
        form = (
            "two-digit-year"
            if "%y" in fmt
            else "latin-month"
            if re.search("[A-Za-z]{3}", text)
            else "month-name-numeric"
            if re.search(r"[\u0600-\u06ff]{3}", text.split(",")[-1])
            else "numeric"
        )
        add(pt.cite(path, f'"{text}"'), text, iso(y, mo, d), form, "strptime input")
    path = "tests/test_jalalidatetime.py"
    for text, parts in (
        ("چهارشنبه ۱۴ اردیبهشت ۱۳۶۷ ۰۴:۳۰:۰۰", (1367, 2, 14, 4, 30)),
        ("چهارشنبه ۰۱ اسفند ۱۳۹۷ ۲۳:۳۲:۰۰", (1397, 12, 1, 23, 32)),
        ("چهارشنبه ۱۴ اردیبهشت ۱۳۶۷ ۱۰:۱۰:۱۰", (1367, 2, 14, 10, 10, 10)),
        ("جمعه ۲۵ تیر ۱۴۰۰ ۲۱:۴۵:۰۰", (1400, 4, 25, 21, 45)),
        ("۱۴۰۰-۰۱-۰۱ ۱۵:۳۰:۴۵", (1400, 1, 1, 15, 30, 45)),
        ("یکشنبه, ۰۱ فروردین ۱۴۰۰ - ۱۵:۳۰", (1400, 1, 1, 15, 30)),
        ("1400-06-23 01:04:01 am", (1400, 6, 23, 1, 4, 1)),
        ("1374/4/8 13:45:10", (1374, 4, 8, 13, 45, 10)),
        ("1400-01-11 23:16:07", (1400, 1, 11, 23, 16, 7)),
        ("1367/02/14 01:01:01", (1367, 2, 14, 1, 1, 1)),
        ("۱۴۰۰-۰۱-۰۱ ۱۲:۳۰:۴۵", (1400, 1, 1, 12, 30, 45)),
    ):
        add(pt.cite(path, text), text, iso(*parts), "with-time", "JalaliDateTime (naive) read as Asia/Tehran")
    add(
        pt.cite(path, "persian_period = "),
        "1 اسفند 1379 11:16 ب.ظ 37",
        iso(1379, 12, 1, 23, 16),
        "am-pm",
        "the f-string of test_strptime filled in; khabar keeps minutes (the trailing seconds field is "
        "a format quirk, not written by people)",
    )

    # --- jdatetime
    jd = Repo(root, "jdatetime")
    path = "tests/test_jdatetime.py"
    start = jd.line_of(path, "def test_strptime_handle_b_B_directive")
    for m in re.finditer(r"\('([^']+)', '%d %[bB] %Y', \((\d+), (\d+), (\d+)\)\)", jd.text(path)):
        text = m.group(1)
        form = "latin-month" if re.search("[A-Za-z]", text) else "day-month-year"
        add(
            jd.cite(path, f"('{text}'", start),
            text,
            iso(int(m.group(2)), int(m.group(3)), int(m.group(4))),
            form,
            "strptime input, mixed Persian and Latin digits",
        )
    for text in ("1363-6-6 12:13:14", "1363-6-6T12:13:14"):
        add(
            jd.cite(path, f'"{text}"'),
            text,
            iso(1363, 6, 6, 12, 13, 14),
            "numeric",
            "strptime input, naive = Tehran",
        )
    add(jd.cite(path, '"69/1/1"'), "69/1/1", iso(1369, 1, 1), "two-digit-year", "strptime %y input")
    # ("68/1/1" → 1468 is strptime's pivot: left out, as above)

    # --- persian-tools timeAgo: the phrase timeAgo prints for an offset, read back against the same instant
    ptj = Repo(root, "persian-tools")
    path = "test/timeAgo.spec.ts"
    for text, delta, prec in (
        ("چند ثانیه قبل", timedelta(seconds=10), "minute"),
        ("3 دقیقه قبل", timedelta(minutes=3), "minute"),
        ("18 ساعت قبل", timedelta(hours=18), "minute"),
        ("حدود 5 روز قبل", timedelta(days=5), "day"),
        ("حدود 1 هفته قبل", timedelta(days=7), "day"),
        ("حدود 7 ماه قبل", timedelta(days=210), "day"),
        ("59 ثانیه قبل", timedelta(seconds=59), "minute"),
        ("1 دقیقه قبل", timedelta(minutes=1), "minute"),
        ("اکنون", timedelta(0), "minute"),
        ("15 ثانیه قبل", timedelta(seconds=15), "minute"),
    ):
        add(
            ptj.cite(path, f'"{text}"'),
            text,
            (FETCHED - delta).isoformat(),
            "relative",
            "timeAgo's phrase for this offset read back; now = fetched_at (their month = 30 days)",
            prec,
        )
    # («… بعد» future phrases and «حدود 1 سال قبل» for 420 days are left out: a publication date is not in the
    # future, and their year rounding is not a reading)

    # --- parstdex: sentences it marks as holding no date/time (khabar must say no date), and its spans that are a
    # complete day-month-year (value assigned by khabar's maintainers from the span: marked expected_by)
    pd = Repo(root, "parstdex")
    path = "tests/data.json"
    data = json.loads(pd.text(path))
    input_lines = [n for n, line in enumerate(pd.text(path).splitlines(), start=1) if '"test_input"' in line]
    assert len(input_lines) == len(data)
    for case, line in zip(data, input_lines, strict=True):
        spans = ast.literal_eval(case["expected"])
        text = case["test_input"]
        if spans == []:
            add(
                {**pd.cite(path, '"test_input"'), "line": line},
                text,
                None,
                "no-date",
                "parstdex marks no date or time in it",
            )
    for text, ymd, hm in PARSTDEX_DATES:
        line = next(ln for case, ln in zip(data, input_lines, strict=True) if text in case["test_input"])
        add(
            {**pd.cite(path, '"test_input"'), "line": line},
            text,
            iso(*ymd, *hm),
            "parstdex-span",
            "span parstdex marks as a date; value read by hand from the span",
        )
        out[-1]["expected_by"] = "khabar"
    return out


# parstdex sentences whose marked span is a full date (day, month, year); value read by hand
PARSTDEX_DATES: list[tuple[str, tuple[int, int, int], tuple[int, ...]]] = [
    ("شهيد ديگر اين منطقه سوم اسفند 1362 در عمليات خيبر", (1362, 12, 3), ()),
    ("جمعه ، 28 آبان 1395 20 : 56", (1395, 8, 28), (20, 56)),
    ("در جلسه 23 . 8 . 1395 هيئت\u200cوزيران", (1395, 8, 23), ()),
    ("02 آذر 95 ساعت 14 : 23", (1395, 9, 2), (14, 23)),
    ("13 : 22 ( يکشنبه 23 آبان 1395 )", (1395, 8, 23), (13, 22)),
    ("کد مطلب : 286250 تاريخ : 3 آذر 1395 - 20 : 35", (1395, 9, 3), (20, 35)),
    ("اقتصاد 1395 - 09 - 11", (1395, 9, 11), ()),
    ("7 آذر 1395 10 : 13 ب . ظ", (1395, 9, 7), (22, 13)),
    ("جهت اجرا از تاريخ 1395 . 09 . 01 ابلاغ مي\u200cشود .", (1395, 9, 1), ()),
    ("در تاريخ 5 / 9 / 1385", (1385, 9, 5), ()),
    ("يکشنبه ، 23 آبان 1395 03 : 31", (1395, 8, 23), (3, 31)),
    ("در          ۱۴مهر۹۴ به مدرسه رفتم.", (1394, 7, 14), ()),
    ("در تاریخ ۱۳۲۳-۰۳-۲۳ ۱۲:۴۲ ه.ش. به دبی رفت.", (1323, 3, 23), (12, 42)),
    ("دکتر ایکس در روز نهم دی ماه سال 1299 متولد شد", (1299, 10, 9), ()),
    ("یکی از بهترین تاریخ ها 1370/11/05 میباشد", (1370, 11, 5), ()),
    ("تیم ملی فوتبال 14مهر92 در مسابقه خود پیروز شد", (1392, 7, 14), ()),
    (
        "ماریا شنبه عصر راس ساعت ۱۷ و بیست و سه دقیقه به نادیا زنگ زد اما تا سه روز بعد در تاریخ ۱۸ شهریور سال ۱۳۷۸",
        (1378, 6, 18),
        (),
    ),
    ("بزرگنمايي 13 : 31 - 1395 . 8 . 19", (1395, 8, 19), (13, 31)),
]


def number_cases(root: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(
        c: dict[str, Any],
        text: str,
        value: float,
        form: str,
        kind: str = "number",
        unit: str | None = None,
        note: str = "",
    ) -> None:
        out.append(
            {
                **c,
                "text": text,
                "expected": value,
                "form": form,
                "kind": kind,
                **({"unit": unit} if unit else {}),
                **({"note": note} if note else {}),
            }
        )

    def form_of(text: str) -> str:
        if re.search(r"[\d۰-۹٠-٩]", text):
            return "mixed-digits"
        if (
            re.search(r"(?:دهم|صدم|هزارم|میلیونم|میلیونیم|میلیاردم|نیم|ممیز)$", text)
            or " چهارم" in text
            or " پنجم" in text
            or " دوم" in text
        ):
            return "fraction"
        if re.search(r"(?:یک|دو|سه|چهار|پنج|شش|هفت|هشت|نه) صد", text):
            return "hundreds-two-words"
        if re.search(r"(?:صد|ست|هزار|میلیون|میلیارد|بیست|سی|چهل|پنجاه|شصت|هفتاد|هشتاد|نود) (?!و )\S", text):
            return "parts-without-va"
        if re.search(r"(?:هزار|میلیون|میلیارد|بیلیون|تریلیون|بیلیارد)", text):
            return "scales"
        return "words"

    # --- dateparser: day literals (cardinals and ordinals) of the Jalali parser
    dp = Repo(root, "dateparser")
    path = "tests/test_jalali.py"
    for persian, numeral in re.findall(r'param\(persian="([^"]+)", numeral="(\d+)"\)', dp.text(path)):
        if persian == "بیست ثانیه":
            continue  # expected 22: an artefact of dateparser's table (ثانیه = «second» = دوم), not Persian
        kind = "ordinal" if re.search(r"(?:م|مین|اول)$", persian) else "number"
        add(
            dp.cite(path, f'persian="{persian}"'),
            persian,
            int(numeral),
            "ordinal" if kind == "ordinal" else form_of(persian),
            kind,
        )

    # --- persian-tools: wordsToNumber, numberToWords (read back), constants, money words
    ptj = Repo(root, "persian-tools")
    path = "test/wordsToNumber.spec.ts"
    src = ptj.text(path)
    seen: set[str] = set()
    for m in re.finditer(
        r'wordsToNumber\(\s*"([^"]+)"\s*(?:,\s*\{[^}]*\})?\s*\)\s*\)\s*\.(?:toEqual|toBe)\(\s*'
        r'"?(-?[\d,٠-٩۰-۹]+)"?\s*\)',
        src,
    ):
        text, value = m.group(1), m.group(2)
        if text in seen:
            continue
        v = int(value.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)).replace(",", ""))
        if v == 0 and "صفر" not in text and text != "0":
            continue  # garbage text read as 0 («سلام دنیا»): khabar reads no number there (not a reading)
        if re.search(r"[كي]|دهمین|دهم هزار|چهارصد 200|صك|کیک|كیك|كل|بيست ك", text):
            continue  # fuzzy/garbage tolerance tests (unknown words skipped, ordinals summed): not how people write
        seen.add(text)
        kind = "ordinal" if re.search(r"(?:م|مین|اُم)$", text) else "number"
        add(ptj.cite(path, f'"{text}"'), text, v, "ordinal" if kind == "ordinal" else form_of(text), kind)
    path = "src/modules/wordsToNumber/constants.ts"
    src = ptj.text(path)
    for block in ("UNITS", "TEN", "MAGNITUDE"):
        body = src.split(f"export const {block} ", 1)[1].split("]);", 1)[0]
        for word, value in re.findall(r'\["([^"]+)", (\d+)\]', body):
            add(
                ptj.cite(path, f'["{word}", {value}]'),
                word,
                int(value),
                form_of(word),
                "number",
                note=f"wordsToNumber.spec.ts tests every entry of {block}",
            )
    path = "test/NumberToWords.spec.ts"
    src = ptj.text(path)
    for m in re.finditer(
        r'numberToWords\(("?[\d,]+"?)(, \{ ordinal: true \})?\)\)\.toEqual\(\s*"([^"]+)"', src
    ):
        value = int(m.group(1).strip('"').replace(",", ""))
        if value >= 1e15:
            continue  # کوآدریلیون, past float precision
        c = ptj.cite(path, m.group(3))
        kind = "ordinal" if "ordinal: true" in src.splitlines()[c["line"] - 1] else "number"
        add(
            c,
            m.group(3),
            value,
            "ordinal" if kind == "ordinal" else form_of(m.group(3)),
            kind,
            note="numberToWords output read back",
        )
    for m in re.finditer(r'numberToWords\((-\d+), \{ ordinal: true \}\)\)\.toEqual\("([^"]+)"\)', src):
        add(
            ptj.cite(path, m.group(2)),
            m.group(2),
            int(m.group(1)),
            "ordinal",
            "ordinal",
            note="numberToWords output read back",
        )
    path = "test/moneyWordsToNumber.spec.ts"
    # formal mode is the literal reading; khabar stores money in rial (1 toman = 10 rial). Colloquial cases count
    # only where they equal the literal reading (an explicit scale word); «صد تومن» = 100,000 is a convention.
    for text, rial in (
        ("یک تومان", 10),
        ("صد تومن", 1000),
        ("دو تومان", 20),
        ("پنج صد تومن", 5000),
        ("یک هزار تومان", 10_000),
        ("ده هزار تومن", 100_000),
        ("یک میلیون تومان", 10_000_000),
        ("یک ریال", 1),
        ("صد ریال", 100),
        ("یک میلیون ریال", 1_000_000),
        ("صفر تومان", 0),
        ("سه صد و پنجاه هزار تومان", 3_500_000),
        ("یک میلیون و پانصد هزار تومن", 15_000_000),
        ("پنج میلیون و دویست و پنجاه هزار تومان", 52_500_000),
        ("هزار تومان", 10_000),
        ("یک هزار ریال", 1000),
    ):
        add(
            ptj.cite(path, f'"{text}"'),
            text,
            rial,
            "money",
            "quantity",
            "ریال",
            "formal (literal) value converted to rial",
        )

    # --- num2fawords: words() and ordinal_words() expectations, read back
    nf = Repo(root, "num2fawords")
    path = "test/__main__.py"
    src = nf.text(path)
    for m in re.finditer(r"assert_equal\(\s*(words|ordinal_words)\(([^()]*?)\),\s*((?:'[^']*'\s*)+)\)", src):
        func, arg, lit = m.group(1), m.group(2).strip(), m.group(3)
        text = "".join(re.findall(r"'([^']*)'", lit))
        if "," in arg or re.search("توان|نمای|روی|در ده", text) or "Fraction" in arg or "Decimal" in arg:
            continue  # options (separators), scientific notation: not how numbers are written
        try:
            value = float(
                ast.literal_eval(arg)
                if not arg.startswith("'")
                else ast.literal_eval(arg)
                .strip()
                .translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٬", "0123456789.,"))
                .replace(",", "")
            )
        except (ValueError, SyntaxError):
            continue
        if abs(value) >= 1e12:
            continue  # بیلیون/بیلیارد in num2fawords' long scale (10^12, 10^15) vs 10^9 elsewhere: not used in news
        kind = "ordinal" if func == "ordinal_words" else "number"
        add(
            nf.cite(path, lit.split("'")[1][:40] if "\n" not in lit else text[:20]),
            text,
            value,
            "ordinal" if kind == "ordinal" else form_of(text),
            kind,
        )
    for m in re.finditer(
        r"words\(Fraction\((\d+), (-?\d+)\)\), '([^']+)'\)|words\('(-?\d+)/(\d+)'\), '([^']+)'\)", src
    ):
        if m.group(3):
            value, text = int(m.group(1)) / int(m.group(2)), m.group(3)
        else:
            value, text = int(m.group(4)) / int(m.group(5)), m.group(6)
        if "روی" in text:
            continue  # a custom separator (option), as above        add(nf.cite(path, f"'{text}'"), text, value, "fraction")
    # generated: num2fawords' own words() for integers people write in releases (its code at this commit)
    ns: dict[str, Any] = {}
    exec(compile(nf.text("num2fawords/__init__.py"), "num2fawords", "exec"), ns)
    for n in (
        7,
        15,
        38,
        99,
        105,
        250,
        404,
        999,
        1001,
        1250,
        2024,
        12_500,
        45_000,
        99_999,
        110_000,
        250_000,
        1_000_001,
        2_500_000,
        7_350_000,
        12_000_000,
        305_000_000,
        1_200_000_000,
    ):
        add(
            {"source": nf.name, "path": "num2fawords/__init__.py", "commit": nf.commit, "line": 0},
            ns["words"](n),
            n,
            "generated",
            note="words(n) of num2fawords at this commit",
        )
    for n in (1, 3, 21, 33, 100, 1000):
        add(
            {"source": nf.name, "path": "num2fawords/__init__.py", "commit": nf.commit, "line": 0},
            ns["ordinal_words"](n),
            n,
            "ordinal",
            "ordinal",
            note="ordinal_words(n) of num2fawords at this commit",
        )

    # --- persiantools: digits.to_word expectations read back
    pt = Repo(root, "persiantools")
    path = "tests/test_digits.py"
    src = pt.text(path)
    for m in re.finditer(r'to_word\((-?[\d_.]+)\),\s*"([^"]+)"\)', src):
        value = float(m.group(1).replace("_", ""))
        add(pt.cite(path, f'"{m.group(2)}"'), m.group(2), value, form_of(m.group(2)))
    m = re.search(r'to_word\(-0\.1554845\),\s*"([^"]+)"', src)
    if m:
        add(pt.cite(path, m.group(1)[:30]), m.group(1), -0.1554845, "fraction")
    for lat, fa in (("0987654321", "۰۹۸۷۶۵۴۳۲۱"), ("0987654321", "٠٩٨٧٦٥٤٣٢١")):
        add(
            pt.cite(path, f'"{fa}"'),
            fa,
            int(lat),
            "digits",
            note="digit conversion test: the digits read as a number",
        )
    return out


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")
    for name, cases in (("dates.json", date_cases(root)), ("numbers.json", number_cases(root))):
        seen: set[tuple[str, str, str]] = set()
        unique = []
        for c in cases:  # the same text tested twice by one source (e.g. words(0) and words('0')) counts once
            key = (c["source"], c["text"], c.get("kind", ""))
            if key not in seen:
                seen.add(key)
                unique.append(c)
        cases[:] = unique
        for i, c in enumerate(cases):
            c["id"] = f"{name.split('.')[0]}-{i:03d}"
        (HERE / name).write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        by: dict[str, int] = {}
        for c in cases:
            by[c["source"]] = by.get(c["source"], 0) + 1
        print(name, len(cases), by)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
