"""Read the typed formats: Excel workbooks (zip bombs refused before parsing) and Parquet files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from reportgen.config import DataSettings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.rawtable import RawTable


def read_xlsx(path: Path, settings: DataSettings, text_columns: Callable[[list[str]], list[str]]) -> RawTable:
    """Return the first (or configured) sheet; refuse zip bombs and files that are not XLSX."""
    shown = str(path)
    check_xlsx_archive(path, settings)
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(name) for name in book.sheet_names]
            if not names or (settings.sheet and settings.sheet not in names):
                raise _sheet_error(names, settings.sheet, shown)
            frame = pd.read_excel(book, sheet_name=settings.sheet or 0, dtype=object)
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, zipfile errors, XML errors)
        raise _unreadable_xlsx(shown, exc)
    frame = frame.dropna(how="all")
    frame.index = pd.Index(frame.index + 2, name="row")  # Excel numbers rows from 1, the header is row 1
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, shown, "xlsx")


def _sheet_error(names: list[str], sheet: str, shown: str) -> DataError:
    """Return the error for a workbook without sheets, or without the sheet asked for (listing those it has)."""
    if not names:
        return DataError(_("The workbook has no sheets."),
                         hint=_("Open it in Excel or LibreOffice and save it again with its sheet, or export it "
                                "to CSV."),
                         location=Location(file=shown))
    return DataError(_("The workbook has no sheet named {sheet!r}.").format(sheet=sheet),
                     hint=_("Sheets in the workbook: {names}. Give one in data.sheet (or --sheet), or leave it "
                            "empty for the first.").format(names=", ".join(names)),
                     location=Location(file=shown))


def check_xlsx_archive(path: Path, settings: DataSettings) -> None:
    """Raise DataError unless `path` is a zip whose members stay within the size and ratio limits."""
    shown = str(path)
    if not zipfile.is_zipfile(path):
        raise _unreadable_xlsx(shown, None)
    limit = settings.max_xlsx_uncompressed_mb * 1024 * 1024
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    if total > limit:
        raise DataError(
            _("The workbook expands to {size} MB, more than the limit of {limit} MB.").format(
                size=total // (1024 * 1024), limit=settings.max_xlsx_uncompressed_mb
            ),
            hint=_("Export the sheet to CSV, or raise data.max_xlsx_uncompressed_mb if you trust the file."),
            location=Location(file=shown),
        )
    # small members compress well for innocent reasons; a large member with a huge ratio is a bomb
    if worst is not None and worst.file_size > 1024 * 1024:
        ratio = worst.file_size / max(worst.compress_size, 1)
        if ratio > settings.max_xlsx_ratio:
            raise DataError(
                _("The workbook part {part} expands {ratio}:1, more than the limit of {limit}:1.").format(
                    part=worst.filename, ratio=int(ratio), limit=settings.max_xlsx_ratio
                ),
                hint=_("Export the sheet to CSV, or raise data.max_xlsx_ratio if you trust the file."),
                location=Location(file=shown),
            )


def _unreadable_xlsx(shown: str, exc: Exception | None) -> DataError:
    """Return the error for a file that is not a readable XLSX workbook."""
    reason = f" ({type(exc).__name__}: {exc})" if exc else ""
    return DataError(
        _("The file is not a readable Excel workbook (.xlsx){reason}.").format(reason=reason),
        hint=_("Open it in Excel or LibreOffice and save it again as .xlsx, or export it to CSV."),
        location=Location(file=shown),
    )


def read_parquet(path: Path, settings: DataSettings, text_columns: Callable[[list[str]], list[str]]) -> RawTable:
    """Return a Parquet file's table; raise DataError when it is not Parquet."""
    shown = str(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow's ArrowInvalid, OSError and friends
        raise DataError(
            _("The file is not a readable Parquet file ({error}).").format(error=f"{type(exc).__name__}: {exc}"),
            hint=_("Write it again with pandas or pyarrow, or export the table to CSV."),
            location=Location(file=shown),
        )
    frame = frame.reset_index(drop=True)
    frame.index = pd.Index(frame.index + 1, name="row")
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, shown, "parquet")
