"""The client lists for the CRM: clients.csv (stable column names and keys, for an import) and
clients_<lang>.xlsx (the same rows in the report's language, one sheet per action group), highest value at risk
first. Rows come from the context; text is always text: no cell ever becomes a formula in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from xlsxwriter import Workbook

from reportgen.atomic import atomic_path
from reportgen.render.pptx_charts import TEXT_ONLY
from reportgen.render.sanitize import strip_unsafe

CSV_NAME = "clients.csv"
# A text cell starting with one of these is run as a formula (or a DDE command) by spreadsheet programs
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_ROWS = 1_048_576  # rows of a worksheet, header included
STREAM_ROWS = 100_000  # beyond this many clients rows are streamed to disk (constant memory) as they are written
CSV_COLUMNS = ("id", "action_group", "segment", "cluster", "risk", "value", "value_at_risk", "first_action",
               "first_action_title", "left")


def _is_log(context: dict) -> bool:
    """Return True for a transaction log's lists: the flag is the lapse, segments and clusters are RFM ones."""
    return context["meta"]["kind"] == "transactions"


def xlsx_name(lang: str) -> str:
    """Return the file name of the client list in `lang`."""
    return f"clients_{lang}.xlsx"


def has_clients(context: dict) -> bool:
    """Return True when the context holds one row per client (the churn model ran)."""
    return bool(((context.get("prediction") or {}).get("clients") or {}).get("id"))


def client_rows(context: dict) -> list[dict]:
    """Return one plain row per client, highest value at risk first (then highest risk; table order last)."""
    table = context["prediction"]["clients"]
    firsts = {g["key"]: (g["recommendations"][0]["id"] if g["recommendations"] else None)
              for g in context["action_groups"]["groups"]}
    # each column read whole once: an analysis hands over arrays that read as lists (contract.column)
    columns = {key: list(table[key]) for key in ("group", "segment", "cluster", "risk", "value", "value_at_risk",
                                                 "left")}
    extra = [list(values) for values in table["extra"].values()]
    rows = []
    for i, client in enumerate(table["id"]):
        row = {key: values[i] for key, values in columns.items()}
        rows.append({"id": client, **row, "action": firsts.get(row["group"]), "extra": [e[i] for e in extra]})
    rows.sort(key=lambda r: (-(r["value_at_risk"] if r["value_at_risk"] is not None else -1.0), -r["risk"]))
    return rows


def csv_text(value) -> str:
    """Return a text cell safe for a spreadsheet: a leading ' before what it would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(context: dict, out: Path) -> Path:
    """Write clients.csv (UTF-8 with a byte-order mark, so that Excel reads Cyrillic) atomically; return the path."""
    rules = context["playbook"]["rules"]
    extra = list(context["prediction"]["clients"]["extra"])
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        columns = [*CSV_COLUMNS[:-1], "lapsed"] if _is_log(context) else CSV_COLUMNS
        writer.writerow([*columns, *(csv_text(n) for n in extra)])
        for row in client_rows(context):
            title = rules[row["action"]]["title"]["en"] if row["action"] else ""
            writer.writerow([csv_text(row["id"]), row["group"], csv_text(row["segment"]), csv_text(row["cluster"]),
                             _number(row["risk"], 4), _number(row["value"], 2), _number(row["value_at_risk"], 2),
                             row["action"] or "", csv_text(title), row["left"],
                             *(csv_text(v) for v in row["extra"])])
    return out


def _number(value: float | None, digits: int) -> str:
    """Return a number for the CSV with a decimal point (empty when missing)."""
    return "" if value is None else f"{value:.{digits}f}"


def write_xlsx(context: dict, w, out: Path) -> Path:
    """Write clients_<lang>.xlsx atomically: a sheet per action group (split beyond Excel's row limit), columns
    named in the language, risk as a percentage; return the path. `w` is the language's Wording."""
    extra = list(context["prediction"]["clients"]["extra"])
    log = _is_log(context)
    header = [w._("Client id"), w._("Action group"), w._("RFM segment") if log else w._("Segment"), w._("Cluster"),
              w._("Risk of no purchase") if log else w._("Risk of leaving"), w._("Lifetime value") if log else
              w._("Value"), w._("Value at risk"), w._("First action"), w._("Lapsed") if log else w._("Churn flag"),
              *extra]
    # a log's segments and clusters are shown by name in the language (the CSV keeps their keys)
    names = {}
    if log:
        names = {s["id"]: w.rfm_name(s["id"]) for s in context["rfm"]["segments"]}
        names.update({c["id"]: w.rfm_cluster_name(c) for c in context["clusters"]["groups"]})
    by_group: dict[str, list[dict]] = {g["key"]: [] for g in context["action_groups"]["groups"]}
    for row in client_rows(context):
        by_group.setdefault(row["group"], []).append(row)
    with atomic_path(out) as tmp:
        stream = sum(len(rows) for rows in by_group.values()) > STREAM_ROWS
        book = Workbook(str(tmp), {**TEXT_ONLY, "in_memory": False, "constant_memory": stream})
        try:
            bold = book.add_format({"bold": True, "bg_color": "#1B4F72", "font_color": "#FFFFFF"})
            percent = book.add_format({"num_format": "0.0%"})
            money = book.add_format({"num_format": "#,##0"})
            for key, rows in by_group.items():
                per_sheet = EXCEL_ROWS - 1
                chunks = [rows[i:i + per_sheet] for i in range(0, len(rows), per_sheet)] or [[]]
                for number, chunk in enumerate(chunks, start=1):
                    name = _sheet_name(w.group_name(key), number if len(chunks) > 1 else None)
                    _sheet(book.add_worksheet(name), header, chunk, w, (bold, percent, money), names)
        finally:
            book.close()
    return out


def _sheet(sheet, header: list[str], rows: list[dict], w, formats, names: dict[str, str]) -> None:
    """Write one worksheet: the header, then a row per client, every text cell written as a string; segments
    and clusters by their `names` where they have one."""
    bold, percent, money = formats
    # the same few words on every row: looked up once (titles and names come from the catalogs, clean)
    words = {"yes": w._("yes"), "no": w._("no")}
    groups, titles = {}, {}
    for col, title in enumerate(header):
        sheet.write_string(0, col, strip_unsafe(title), bold)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 3, 14)
    sheet.set_column(4, 6, 15)
    sheet.set_column(7, 7, 40)
    for r, row in enumerate(rows, start=1):
        if row["group"] not in groups:
            groups[row["group"]] = w.group_name(row["group"])
        if row["action"] and row["action"] not in titles:
            titles[row["action"]] = w.recommendation_title(row["action"])
        _text(sheet, r, 0, row["id"])
        sheet.write_string(r, 1, groups[row["group"]])
        _text(sheet, r, 2, names.get(row["segment"], row["segment"]))
        _text(sheet, r, 3, names.get(row["cluster"], row["cluster"]))
        sheet.write_number(r, 4, row["risk"], percent)
        for col, key in ((5, "value"), (6, "value_at_risk")):
            if row[key] is not None:
                sheet.write_number(r, col, row[key], money)
        if row["action"]:
            sheet.write_string(r, 7, titles[row["action"]])
        sheet.write_string(r, 8, words["yes"] if row["left"] else words["no"])
        for col, text in enumerate(row["extra"], start=9):
            _text(sheet, r, col, text)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(header) - 1)


def _text(sheet, row: int, col: int, value) -> None:
    """Write a text cell as a string (never a formula, a link or a number); nothing for a missing value."""
    if value is not None and value != "":
        sheet.write_string(row, col, strip_unsafe(str(value)))


def _sheet_name(name: str, number: int | None) -> str:
    """Return a valid worksheet name: at most 31 characters, none of []:*?/\\ ."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip() or "clients"
    suffix = f" ({number})" if number else ""
    return clean[:31 - len(suffix)] + suffix
