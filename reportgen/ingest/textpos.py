"""Where characters of a CSV text lie: the rows (file lines) and the column a user looks for."""

from __future__ import annotations

import csv


def rows_of(text: str, positions: list[int]) -> list[int]:
    """Return the distinct file line numbers (1-based) of the character offsets `positions`, in order."""
    rows: list[int] = []
    line, previous = 1, 0
    for position in sorted(positions):
        line += text.count("\n", previous, position)
        previous = position
        if not rows or rows[-1] != line:
            rows.append(line)
    return rows


def column_at(text: str, position: int, sep: str) -> str | None:
    """Return the header name of the column the character at `position` is in, or None when out of range."""
    start = text.rfind("\n", 0, position) + 1
    # the line up to the character, as the csv module splits it (quotes respected); stray CRs blanked
    prefix = text[start:position].replace("\r", " ")
    fields = next(csv.reader([prefix], delimiter=sep), [""])
    index = max(len(fields), 1) - 1
    header = header_of(text, sep)
    return header[index] if index < len(header) else None


def header_of(text: str, sep: str) -> list[str]:
    """Return the column names on the first non-empty line of `text`."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].replace("\r", " ")
        if line.strip():
            return [name.strip() for name in next(csv.reader([line], delimiter=sep))]
        start = end + 1
    return []
