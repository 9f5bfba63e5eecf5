"""How a log's dates are written: ISO, day first, month first (US exports), dd.mm.yyyy; with or without time.

The order of day and month is read from the data: a first field above 12 can only be a day, a second
field above 12 only a day too (so the first is the month). The first lines decide when they prove it;
otherwise the whole column is asked (reportgen.ingest.logparse.order_proof). Dotted dates are read day
first when nothing proves an order: no country writes the month first with dots. Slashed dates that prove
nothing are refused: 03/04/2024 is the 3rd of April in Paris and the 4th of March in New York.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.values import MISSING_TOKENS

# Three numeric fields with one separator, then an optional time of day (seconds and fractions optional)
_TIME = r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?)?"
GENERIC = re.compile(r"^\s*(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})" + _TIME + r"\s*$")
_FORMAT_DATE = re.compile(r"%([dmYy])([-/.])%([dmYy])\2%([dmYy])")
_FORMAT_TIMES = ("", "%H:%M", "%H:%M:%S", "%H:%M:%S.%f")
# Share of the first lines' dates that must share one layout for it to be taken
MAJORITY = 0.5


@dataclass(frozen=True)
class DateLayout:
    """The layout of a date column: field order, separator, two-digit years; `time` as seen, for display.

    `how` says where the order came from: 'iso', 'proof' (a value proves it), 'convention' (dotted),
    'config' (data.date_format) or 'typed' (the file stores dates as dates).
    """

    order: str  # 'ymd', 'dmy' or 'mdy'
    sep: str = "-"
    short_year: bool = False
    time: str = ""
    how: str = "iso"

    @property
    def iso(self) -> bool:
        """Return True for year-month-day with dashes: the engine casts those itself."""
        return self.order == "ymd" and self.sep == "-" and not self.short_year

    def format(self) -> str:
        """Return the layout as a strptime format, e.g. '%m/%d/%Y %H:%M'."""
        year = "%y" if self.short_year else "%Y"
        fields = {"ymd": (year, "%m", "%d"), "dmy": ("%d", "%m", year), "mdy": ("%m", "%d", year)}[self.order]
        text = self.sep.join(fields)
        return f"{text} {self.time}" if self.time else text

    def pattern(self) -> str:
        """Return the regular expression of the layout (RE2 and Java alike): fields 1-3, then H, M, S."""
        sep = "\\" + self.sep
        return r"^\s*(\d{1,4})" + sep + r"(\d{1,2})" + sep + r"(\d{1,4})" + _TIME + r"\s*$"

    def parse(self, text: str) -> dt.datetime | None:
        """Return the date-time `text` holds in this layout, or None (what the engine's pass computes)."""
        m = GENERIC.match(text)
        if m is None or m.group(2) != self.sep:
            return _iso(text) if self.iso else None
        first, second, third = int(m.group(1)), int(m.group(3)), int(m.group(4))
        year, month, day = {"ymd": (first, second, third), "dmy": (third, second, first),
                            "mdy": (third, first, second)}[self.order]
        if self.short_year:
            year += 2000 if year < 69 else 1900
        try:
            return dt.datetime(year, month, day, *(int(m.group(i) or 0) for i in (5, 6, 7)))
        except ValueError:
            return None


def _iso(text: str) -> dt.datetime | None:
    """Return an ISO date-time Python reads, or None."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=None)


def layout_from_format(fmt: str) -> DateLayout:
    """Return the layout a strptime format names; raise ValueError (translated) for one we cannot run.

    The engines parse dates with the same expression everywhere, so the format must be three numeric
    fields (%d, %m, %Y or %y) with one separator, then optionally %H:%M or %H:%M:%S.
    """
    text = fmt.strip()
    date, _sep, time = text.partition(" ") if " " in text else text.partition("T")
    m = _FORMAT_DATE.fullmatch(date)
    fields = [m.group(1), m.group(3), m.group(4)] if m else []
    letters = "".join(sorted(f.lower() for f in fields))
    if not m or letters != "dmy" or time not in _FORMAT_TIMES:
        raise ValueError(_("use %d, %m and %Y (or %y) with one separator (- / .), then optionally %H:%M or "
                           "%H:%M:%S, e.g. %d/%m/%Y %H:%M"))
    order = "".join(f.lower() for f in fields)
    if order not in ("ymd", "dmy", "mdy"):
        raise ValueError(_("the fields must be in the order day-month-year, month-day-year or year-month-day"))
    return DateLayout(order, m.group(2), short_year="y" in fields, time=time[:8], how="config")


@dataclass
class DateGuess:
    """What the first lines say of a date column: a layout, or the shape that the whole column must decide."""

    layout: DateLayout | None
    sep: str = "/"
    time: str = ""
    examples: list[str] | None = None


def guess_layout(values: pd.Series, column: str, path: str) -> DateGuess:
    """Return the layout of a text date column from its first values (index: file lines).

    Raise DataError when the first values are not dates we know, use two-digit years, or prove both orders.
    """
    text = values.dropna().astype(str).str.strip()
    text = text[~text.str.lower().isin(MISSING_TOKENS)]
    if text.empty:
        return DateGuess(DateLayout("ymd"))  # nothing to go by: blank dates are counted, the rest must be ISO
    parts = text.str.extract(GENERIC)
    matched = parts[0].notna()
    shapes = pd.Series(pd.NA, index=text.index, dtype=object)
    shapes[matched & (parts[0].str.len() == 4)] = "ymd"
    shapes[matched & (parts[0].str.len() <= 2) & (parts[3].str.len() == 4)] = "year_last"
    shapes[matched & (parts[0].str.len() <= 2) & (parts[3].str.len() == 2)] = "short_year"
    iso = shapes.isna() & text.map(lambda v: _iso(v) is not None).astype(bool)
    shapes[iso] = "iso"
    keys = shapes.fillna("?") + "|" + parts[1].fillna("")
    best = keys.value_counts()
    shape, sep = best.index[0].split("|")
    if shape == "?" or best.iloc[0] < MAJORITY * len(text):
        bad = text[keys != best.index[0]] if shape != "?" else text
        raise unknown_dates(column, path, list(bad.index[:10]), len(bad), list(bad.head(5)))
    ours = keys == best.index[0]
    time = ("%H:%M:%S" if parts.loc[ours, 6].notna().any() else "%H:%M" if parts.loc[ours, 4].notna().any()
            else "")
    if shape == "iso":
        return DateGuess(DateLayout("ymd", "-", time=time))
    if shape == "ymd":
        return DateGuess(DateLayout("ymd", sep, time=time, how="iso" if sep == "-" else "proof"))
    if shape == "short_year":
        raise DataError(
            _("The dates of column {column} have two-digit years ({examples}): the century and the order of day "
              "and month cannot be told.").format(column=column, examples=", ".join(text[ours].head(3))),
            hint=_("Give the format in the config, e.g. [data] date_format = \"%d/%m/%y\" (day first) or "
                   "\"%m/%d/%y\" (month first)."),
            location=Location(file=path, column=column, rows=list(text.index[ours][:3])))
    first, second = parts.loc[ours, 0].astype(int), parts.loc[ours, 2].astype(int)
    day_first, month_first = first[first > 12], second[second > 12]
    if len(day_first) and len(month_first):
        raise both_orders(column, path, (int(day_first.index[0]), text[day_first.index[0]]),
                          (int(month_first.index[0]), text[month_first.index[0]]))
    if len(day_first) or len(month_first):
        order = "dmy" if len(day_first) else "mdy"
        return DateGuess(DateLayout(order, sep, time=time, how="proof"))
    if sep == ".":
        return DateGuess(DateLayout("dmy", sep, time=time, how="convention"))
    return DateGuess(None, sep, time, list(text[ours].head(3)))


def unknown_dates(column: str, path: str, rows: list[int], total: int, values: list[str]) -> DataError:
    """Return the error for values of a date column that are not dates in its layout."""
    return DataError(
        _("Column {column} holds values that are not dates.").format(column=column),
        hint=_("Correct those cells, or give the dates' format in the config, e.g. [data] date_format = "
               "\"%d/%m/%Y %H:%M\"; if the column is not the date, name the right one in [columns] date."),
        location=Location(file=path, column=column, rows=rows, total=total, values=values))


def both_orders(column: str, path: str, day_first: tuple[int, str], month_first: tuple[int, str]) -> DataError:
    """Return the error for a date column whose values prove both day-first and month-first."""
    return DataError(
        _("Column {column} mixes dates written day first ({day_value}, row {day_row}) and month first "
          "({month_value}, row {month_row}).").format(
            column=column, day_value=day_first[1], day_row=day_first[0], month_value=month_first[1],
            month_row=month_first[0]),
        hint=_("Export the dates again in one format, or give it in the config ([data] date_format = "
               "\"%d/%m/%Y\" or \"%m/%d/%Y\") and correct the rows that do not follow it."),
        location=Location(file=path, column=column, rows=sorted({day_first[0], month_first[0]})))


def undecided(column: str, path: str, examples: list[str], sep: str) -> DataError:
    """Return the error for slashed dates in which no value proves whether the day or the month comes first."""
    return DataError(
        _("The dates of column {column} ({examples}) can be read day first or month first, and no value "
          "decides.").format(column=column, examples=", ".join(examples)),
        hint=_("Give the format in the config: [data] date_format = \"%d{sep}%m{sep}%Y\" (day first) or "
               "\"%m{sep}%d{sep}%Y\" (month first).").format(sep=sep),
        location=Location(file=path, column=column))
