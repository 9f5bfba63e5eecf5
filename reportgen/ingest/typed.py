"""Typed feature columns shared by the input kinds: ids as text, numbers parsed, flags, categories checked."""

from __future__ import annotations

import pandas as pd

from reportgen.config import Settings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _, ngettext
from reportgen.ingest.encoding import find_mojibake
from reportgen.ingest.numbers import MarkConflict, parse_numbers
from reportgen.ingest.readers import RawTable
from reportgen.roles import Roles
from reportgen.ingest.values import as_id_text, category_text, is_missing_text, parse_flags


def type_features(raw: RawTable, roles: Roles, settings: Settings, typed: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, dict]:
    """Return `typed` (or a new frame) with the id (unless `typed` has it) and every feature column parsed,
    and what parsing found.

    The second value holds `unparsed` (text cells treated as missing, per numeric column) and
    `number_formats` (how each numeric column written as text was read), for the quality summary.
    Raise DataError for a column whose values cannot be used.
    """
    frame = raw.frame
    typed = pd.DataFrame(index=frame.index) if typed is None else typed
    unparsed: dict[str, int] = {}
    number_formats: dict[str, dict] = {}
    if roles.id and roles.id not in typed:
        typed[roles.id] = type_id(frame[roles.id])
    for column in roles.numeric:
        parsed = parse_numbers(frame[column])
        if parsed.conflict:
            raise mixed_marks(raw, column, parsed.conflict)
        if not parsed.format.plain:
            number_formats[column] = parsed.format.to_dict()
        failed = int(parsed.failed.sum())
        if failed:
            present = int((~is_missing_text(frame[column])).sum())
            if failed > settings.data.max_unparsed_share * max(present, 1):
                raise bad_values(
                    raw, column, parsed.failed,
                    ngettext("The numeric column holds {n} value that is not a number.",
                             "The numeric column holds {n} values that are not numbers.", failed).format(n=failed),
                    _("Correct or empty those cells; or list the column under [columns] categorical; "
                      "or let data.max_unparsed_share treat a few such cells as missing."),
                )
            unparsed[column] = failed
        typed[column] = parsed.values
    for column in roles.binary:
        parsed = parse_flags(frame[column])
        if parsed.failed.any():
            raise bad_values(
                raw, column, parsed.failed,
                _("The yes/no column holds other values."),
                _("Use 1/0, true/false, yes/no, oui/non or да/нет, or list the column under [columns] categorical."),
            )
        typed[column] = parsed.values
    for column in roles.categorical:
        typed[column] = category_text(frame[column])

    garbled = find_mojibake(frame, [c for c in (roles.id, *roles.categorical) if c])
    if garbled:
        column, mask = garbled
        raise bad_values(
            raw, column, mask,
            _("The text looks garbled (mojibake): it was decoded with the wrong encoding before it was saved."),
            _("Export the table again from its source as UTF-8; if the file itself is cp1251, pass --encoding cp1251."),
        )
    return typed, {"unparsed": unparsed, "number_formats": number_formats}


def type_id(column: pd.Series) -> pd.Series:
    """Return an id column as text, its missing-value markers missing."""
    return as_id_text(column).where(~is_missing_text(column))


def bad_values(raw: RawTable, column: str, mask: pd.Series, message: str, hint: str) -> DataError:
    """Return a DataError naming the column, the first offending rows and their distinct values."""
    rows = [int(r) for r in mask[mask].index[:10]]
    values = list(dict.fromkeys(str(v) for v in raw.frame.loc[mask, column].head(50)))[:8]
    return DataError(message, hint=hint,
                     location=Location(file=raw.path, column=column, rows=rows, values=values, total=int(mask.sum())))


def mixed_marks(raw: RawTable, column: str, conflict: MarkConflict) -> DataError:
    """Return the DataError for a column whose cells prove a decimal comma and a decimal point."""
    counts = _("; ").join([
        ngettext("{n} cell reads only with a decimal comma", "{n} cells read only with a decimal comma",
                 conflict.comma_count).format(n=conflict.comma_count),
        ngettext("{n} cell reads only with a decimal point", "{n} cells read only with a decimal point",
                 conflict.point_count).format(n=conflict.point_count),
    ])
    return DataError(
        _("The numeric column writes decimals two ways: {comma!r} (row {comma_row}) can only be read with a "
          "decimal comma, {point!r} (row {point_row}) only with a decimal point.").format(
            comma=conflict.comma_text, comma_row=conflict.comma_row,
            point=conflict.point_text, point_row=conflict.point_row) + f" ({counts})",
        hint=_("Make the column consistent: one decimal mark in every cell (export it again from one program "
               "with one language setting, or correct the cells written the other way); or leave the column "
               "out with [columns] ignore."),
        location=Location(file=raw.path, column=column, rows=sorted([conflict.comma_row, conflict.point_row]),
                          values=[conflict.comma_text, conflict.point_text]),
    )
