"""Persian labels for the report: digits, numbers, Jalali dates, money in readable units, axis ticks.

Every string a reader sees in the report goes through here, so no Latin digit reaches a label (Plotly formats its
own ticks with Latin digits, hence `ticks`: the report gives every value axis its tick values and Persian texts).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import jdatetime

from khabar.extractors.jalali import JALALI_MONTHS

_FA = str.maketrans("0123456789,.-", "۰۱۲۳۴۵۶۷۸۹٬٫−")
_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
MONTHS = JALALI_MONTHS
WEEKDAYS = ("شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه")  # jdatetime: 0 = Saturday


def digits(text: object) -> str:
    """Latin digits (and the separators of numbers) to Persian: «1,234.5» → «۱٬۲۳۴٫۵». Only for numbers."""
    return str(text).translate(_FA)


def fa_digits_only(text: object) -> str:
    """Digits to Persian, nothing else touched (for text that mixes words and numbers)."""
    return str(text).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def num(value: float | int | None, decimals: int = 0) -> str:
    """A number with Persian digits and separators; `decimals` only when the value is not whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals and float(value) != int(value):
        return digits(f"{value:,.{decimals}f}".rstrip("0").rstrip("."))
    return digits(f"{round(value):,}")


def jalali(day: str | date | datetime) -> jdatetime.date:
    """A Jalali date from a `YYYY-MM-DD` Jalali string (as stored) or a Gregorian date/datetime."""
    if isinstance(day, str):
        y, m, d = (int(x) for x in day.translate(_LATIN).split("-"))
        return jdatetime.date(y, m, d)
    if isinstance(day, datetime):
        day = day.date()
    return jdatetime.date.fromgregorian(date=day)


def day_label(day: str | date | datetime, year: bool = True) -> str:
    """«۱۳ اسفند ۱۴۰۲»."""
    j = jalali(day)
    return f"{num(j.day)} {MONTHS[j.month - 1]}" + (f" {fa_digits_only(j.year)}" if year else "")


def month_label(month: str) -> str:
    """«1402-12» → «اسفند ۱۴۰۲»."""
    y, m = (int(x) for x in month.split("-")[:2])
    return f"{MONTHS[m - 1]} {fa_digits_only(y)}"


def month_span(month: str) -> tuple[date, date]:
    """Gregorian first and last day of a Jalali month `YYYY-MM`."""
    y, m = (int(x) for x in month.split("-")[:2])
    first = jdatetime.date(y, m, 1)
    nxt = jdatetime.date(y + (m == 12), m % 12 + 1, 1)
    return first.togregorian(), nxt.togregorian() - timedelta(days=1)


def stamp(ts: datetime | None) -> tuple[str, str]:
    """(Persian label, Gregorian ISO) for a Tehran-local timestamp: «۱۳ اسفند ۱۴۰۲، ۱۴:۳۵»."""
    if ts is None:
        return "–", ""
    return f"{day_label(ts)}، {fa_digits_only(ts.strftime('%H:%M'))}", ts.strftime("%Y-%m-%d %H:%M")


def weekday(day: str) -> str:
    return WEEKDAYS[jalali(day).weekday()]


# Rial → readable units (1 toman = 10 rial; همت = هزار میلیارد تومان).
MONEY_UNITS: tuple[tuple[float, str], ...] = (
    (1e13, "همت"),
    (1e10, "میلیارد تومان"),
    (1e7, "میلیون تومان"),
    (10.0, "تومان"),
)


def money_unit(max_rial: float) -> tuple[float, str]:
    """The unit (rial per unit, name) in which `max_rial` reads as a number of at least 1."""
    for size, name in MONEY_UNITS:
        if max_rial >= size:
            return size, name
    return MONEY_UNITS[-1]


def money(rial: float | None) -> str:
    """«۱٫۲ همت», «۳۴۵ میلیارد تومان»: each value in its own unit, at most one decimal."""
    if rial is None:
        return "–"
    size, name = money_unit(rial)
    return f"{num(round(rial / size, 1), 1)} {name}"


def hours(h: float | None) -> str:
    """A delay: «۴۵ دقیقه», «۳٫۵ ساعت», «۲ روز»."""
    if h is None or math.isnan(h):
        return "–"
    if h < 1:
        return f"{num(round(h * 60))} دقیقه"
    if h < 48:
        return f"{num(round(h, 1), 1)} ساعت"
    return f"{num(round(h / 24, 1), 1)} روز"


def ticks(vmax: float, n: int = 5, integer: bool = True, scale: float = 1.0) -> dict[str, object]:
    """Plotly axis settings with 'nice' tick values from 0 to at least `vmax` and Persian tick texts.

    `scale` divides the values for their labels (money plotted in rial, labelled in the chosen unit)."""
    vmax = float(vmax or 0)
    if vmax <= 0:
        vals = [0.0, 1.0]
    else:
        raw = vmax / n
        mag = 10 ** math.floor(math.log10(raw))
        step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
        if integer:
            step = max(1.0, math.ceil(step))
        top = math.ceil(vmax / step - 1e-9) * step
        count = round(top / step)
        vals = [i * step for i in range(count + 1)]
    labels = [num(v / scale, 2) for v in vals]
    return {"tickmode": "array", "tickvals": vals, "ticktext": labels, "range": [0, vals[-1] * 1.04]}
