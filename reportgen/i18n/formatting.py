"""Locale-aware formatting of numbers, percentages, money, dates and plurals, all through Babel."""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cached_property

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
)

from reportgen.i18n.catalogs import get_translations

_DIGITS = re.compile(r"0(?=[^0#,.]*$)")
MINUS = "\u2212"  # the true minus sign: CLDR gives a hyphen-minus, shorter than '+' and set lower


def _with_fraction(pattern: str, digits: int) -> str:
    """Return a Babel number pattern with exactly `digits` fraction digits."""
    base = pattern.split(";")[0]
    if "." in base:
        base = re.sub(r"\.[0#]+", "", base)
    if digits <= 0:
        return base
    # put the fraction right after the last integer digit, before the suffix (" %", " ¤")
    return _DIGITS.sub("0." + "0" * digits, base, count=1)


class Formatter:
    """Format values for one language; the only place reports turn numbers into text."""

    def __init__(self, lang: str, currency: str = "RUB") -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.currency = currency
        self.translations = get_translations(lang)

    # --- text -------------------------------------------------------------------------------
    def gettext(self, message: str) -> str:
        """Return `message` translated."""
        return self.translations.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """Return `message` translated as it reads in `context` (the catalog's msgctxt)."""
        return self.translations.pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int | float) -> str:
        """Return the plural form that fits `n` (Russian has three), translated."""
        return self.translations.ngettext(singular, plural, _plural_n(n))

    def conjunction(self, items) -> str:
        """Return items joined as the language lists them in a sentence ('A, B and C', « A, B et C », «A, B и C»)."""
        return format_list(list(items), locale=self.locale)

    def quantity(self, n: int | float, singular: str, plural: str, **fields) -> str:
        """Return '{n} thing(s)' with the right plural form, the number formatted and other fields filled."""
        return self.ngettext(singular, plural, n).format(n=self.number(n), **fields)

    # --- numbers ----------------------------------------------------------------------------
    def number(self, value: float | int | None, digits: int = 0) -> str:
        """Return `value` with locale grouping and `digits` fraction digits ('10 000', '3,4')."""
        if _missing(value):
            return "—"
        pattern = _with_fraction(self.locale.decimal_formats[None].pattern, digits)
        return _minus(format_decimal(value, format=pattern, locale=self.locale))

    def smart_number(self, value: float | int | None) -> str:
        """Return `value` with as many decimals as its size deserves (12 345, 42.5, 0.83)."""
        if _missing(value):
            return "—"
        size = abs(value)
        digits = 0 if size >= 100 or float(value).is_integer() else (1 if size >= 10 else 2)
        return self.number(value, digits)

    def percent(self, value: float | None, digits: int = 1) -> str:
        """Return a share as a percentage: 0.182 -> '18,2 %' (fr, ru) or '18.2%' (en)."""
        if _missing(value):
            return "—"
        pattern = _with_fraction(self.locale.percent_formats[None].pattern, digits)
        return _minus(format_percent(value, format=pattern, locale=self.locale))

    def points(self, value: float | None, digits: int = 1, signed: bool = True) -> str:
        """Return a value given in percentage points with its unit: 5.4 -> '+5.4 pp'."""
        if _missing(value):
            return "—"
        number = self.number(abs(value), digits)
        sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else ("−" if value < 0 else "")
        return self.gettext("{value} pp").format(value=sign + number)

    def ratio(self, value: float | None) -> str:
        """Return a multiple: 3.4 -> '3.4 times' ('3,4 fois', 'в 3,4 раза')."""
        if _missing(value):
            return "—"
        return self.ngettext("{n} time", "{n} times", value).format(n=self.number(value, 1))

    def money(self, value: float | None, compact: bool | None = None, bound: bool = False) -> str:
        """Return an amount in the report's currency: '986 723 ₽'; compact for millions ('119 млн ₽').

        A compact figure keeps one decimal below ten ('2,0 млрд ₽' beside '6,4 млрд ₽'); a `bound` (a band's
        limit, an axis tick) stays round ('1 M')."""
        if _missing(value):
            return "—"
        if compact is None:
            compact = abs(value) >= 10_000_000
        # below a thousand there is nothing to abbreviate, and Babel would print every digit of the float
        compact = compact and abs(value) >= 1000
        if compact:
            text = format_compact_decimal(value, locale=self.locale, fraction_digits=1)
            if not bound:
                text = re.sub(r"^(-?\d)(?=[^\d" + re.escape(self.decimal_symbol) + r"])",
                              lambda m: m.group(1) + self.decimal_symbol + "0", text)
            return self._currency_around(_minus(text))
        pattern = _with_fraction(self.locale.currency_formats["standard"].pattern, 0)
        text = format_currency(value, self.currency, format=pattern, locale=self.locale, currency_digits=False)
        return _space_iso_code(_minus(text), self.currency)

    def _currency_around(self, number_text: str) -> str:
        """Return `number_text` with the currency symbol placed as the locale places it."""
        pattern = self.locale.currency_formats["standard"].pattern.split(";")[0]
        symbol = format_currency(0, self.currency, format="¤", locale=self.locale)
        if pattern.startswith("¤"):
            return _space_iso_code(symbol + number_text, self.currency)
        return number_text + "\u00a0" + symbol

    def p_value(self, value: float | None) -> str:
        """Return a p-value the way reports print them: '< 0.001' below a thousandth, else 3 digits."""
        if _missing(value):
            return "—"
        if value < 0.001:
            return "<\u00a0" + self.number(0.001, 3)
        return self.number(value, 3)

    def p_claim(self, value: float | None) -> str:
        """Return a p-value as said in a sentence, with its relation: 'p = 0.015' reads '= 0.015', '< 0.001' stays."""
        text = self.p_value(value)
        return text if text.startswith("<") or text == "—" else "=\u00a0" + text

    def date(self, value: dt.date | str, form: str = "long") -> str:
        """Return a date in the locale's own form ('24 novembre 2026', '24 ноября 2026 г.')."""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        text = format_date(value, form, locale=self.locale)
        if value.day == 1 and self.locale.language == "fr" and form in ("long", "full"):
            # French writes the first of the month as an ordinal: « 1er janvier 2025 » (CLDR gives « 1 »)
            text = re.sub(r"(?<!\d)1(?= )", "1er", text, count=1)
        return text

    @cached_property
    def decimal_symbol(self) -> str:
        """Return the locale's decimal separator, for chart axes."""
        return get_decimal_symbol(self.locale)

    def period(self, period: str) -> str:
        """Return a period label: '2026-Q3' -> 'Q3 2026' / 'T3 2026' / '3-й квартал 2026 г.'."""
        m = re.fullmatch(r"(\d{4})-Q([1-4])", period or "")
        if not m:
            return period
        year, quarter = m.groups()
        return self.gettext("Q{quarter} {year}").format(quarter=quarter, year=year)


def _missing(value) -> bool:
    """Return True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _minus(text: str) -> str:
    """Return a number Babel formatted with its sign made a true minus sign ('-0,13' -> '−0,13').

    Babel's output holds a hyphen-minus only as the sign: digits, separators and currency symbols have none.
    """
    return text.replace("-", MINUS)


def _plural_n(n: int | float) -> int:
    """Return the integer gettext should pick a plural form from (fractions take the 'many/other' form)."""
    if isinstance(n, float) and not n.is_integer():
        # a fraction takes the form of 2 in all three languages: "3.4 times", "3,4 fois", "в 3,4 раза"
        return 2
    return int(n)


def _space_iso_code(text: str, currency: str) -> str:
    """Return text with a no-break space between a letter currency code and the digits ('RUB 986,723')."""
    return re.sub(rf"^({MINUS}?){currency}(?=[\d{MINUS}])", lambda m: f"{m.group(1)}{currency}\u00a0", text)
