"""Text the CLI prints about a transaction log: the columns found, how dates were read, the analysis dates and
what each cleaning rule caught, in the UI language."""

from __future__ import annotations

from reportgen.i18n.formatting import Formatter
from reportgen.i18n.labels import LOG_ROLE_LABELS, LOG_RULE_LABELS, ROLE_LABELS
from reportgen.i18n.ui import N_, _, translate, ui_language
from reportgen.ingest.dataset import Dataset

DATE_ORDER = {
    "iso": N_("ISO"),
    "proof": N_("the order of day and month proved by the data"),
    "convention": N_("day first, the convention of dotted dates"),
    "config": N_("from data.date_format"),
    "typed": N_("stored as dates in the file"),
}
AS_OF_REASONS = {
    "config": N_("analysis.as_of"),
    "period_end": N_("the end of the report period"),
    "last_date": N_("the log's last date"),
}
CALIBRATION_REASONS = {"config": N_("analysis.calibration_end"), "default": N_("13 weeks before the analysis date")}
# What each cleaning rule caught, by rule and action: a line of n lines and their amount (fields: amount,
# share); written as calls so that each singular and plural is extracted as one plural message
RULE_LINES = {
    ("missing_date", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line without a date removed", "{n} lines without a date removed", **k),
    ("missing_amount", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line without an amount, quantity or price removed",
        "{n} lines without an amount, quantity or price removed", **k),
    ("cancelled", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line of cancelled invoices (numbers starting with C) removed, amount {amount}",
        "{n} lines of cancelled invoices (numbers starting with C) removed, amount {amount}", **k),
    ("returns", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} return (negative quantity) removed, amount {amount}",
        "{n} returns (negative quantities) removed, amount {amount}", **k),
    ("negative", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line with a negative amount or price removed, amount {amount}",
        "{n} lines with a negative amount or price removed, amount {amount}", **k),
    ("zero", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line with a zero amount or price removed", "{n} lines with a zero amount or price removed", **k),
    ("zero", "kept"): lambda f, n, **k: f.quantity(
        n, "{n} line with a zero amount or price kept (a purchase without revenue)",
        "{n} lines with a zero amount or price kept (purchases without revenue)", **k),
    ("missing_client", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line without a client id left out, amount {amount} ({share} of revenue)",
        "{n} lines without a client id left out, amount {amount} ({share} of revenue)", **k),
    ("too_old", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line dated before 1990 removed, amount {amount}",
        "{n} lines dated before 1990 removed, amount {amount}", **k),
    ("future", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} line dated after today removed, amount {amount}",
        "{n} lines dated after today removed, amount {amount}", **k),
    ("duplicates", "removed"): lambda f, n, **k: f.quantity(
        n, "{n} exact duplicate line removed, amount {amount}", "{n} exact duplicate lines removed, amount {amount}",
        **k),
    ("after_as_of", "outside"): lambda f, n, **k: f.quantity(
        n, "{n} line after the analysis date left out, amount {amount}",
        "{n} lines after the analysis date left out, amount {amount}", **k),
    ("ragged", "removed"): lambda f, n, **k: f.quantity(n, "{n} ragged line skipped", "{n} ragged lines skipped",
                                                        **k),
}
# Rules that only apply when the log has the column they look at
NEEDS = {"cancelled": "invoice", "returns": "quantity"}


def log_brief(dataset: Dataset) -> str:
    """Return one line: lines read and used, clients, and the dates the log covers."""
    log, fmt = dataset.log, Formatter(ui_language())
    cleaning = log["cleaning"]
    return _("Transaction log: {read} lines read, {used} used, {clients} clients, from {first} to {last}.").format(
        read=fmt.number(cleaning["lines_read"]), used=fmt.number(cleaning["lines_used"]),
        clients=fmt.number(len(dataset.frame)), first=fmt.date(log["first_date"], "medium"),
        last=fmt.date(log["last_date"], "medium"))


def log_lines(dataset: Dataset) -> list[str]:
    """Return the columns found by role, the date format, the analysis dates and the cleaning summary."""
    log, roles, fmt = dataset.log, dataset.roles, Formatter(ui_language())
    sources = {"config": _("from the config"), "name": _("by name"), "values": _("by its values")}
    lines = [_("Columns of the transaction log:")]
    for role, column in log["columns"].items():
        label = translate(ROLE_LABELS["id"] if role == "client" else LOG_ROLE_LABELS[role])
        how = sources.get(roles.sources.get(column, ""), "")
        lines.append(f"  {label:<22} {column}" + (f"  ({how})" if how else ""))
    if log["amount_from"] == "quantity_x_price":
        lines.append("  " + _("amount: quantity × unit price"))
    if roles.ignored:
        lines.append("  " + _("not used: {columns}").format(columns=", ".join(roles.ignored)))
    order = translate(DATE_ORDER[log["date_order"]])
    lines.append("  " + (_("dates: {format} ({how})").format(format=log["date_format"], how=order)
                         if log["date_format"] else _("dates: {how}").format(how=order)))
    lines.append(_("Dates:"))
    lines.append("  " + _("from {first} to {last}; analysis date {as_of} ({why})").format(
        first=fmt.date(log["first_date"], "medium"), last=fmt.date(log["last_date"], "medium"),
        as_of=fmt.date(log["as_of"], "medium"), why=translate(AS_OF_REASONS[log["as_of_reason"]])))
    lines.append("  " + fmt.quantity(
        log["calibration_clients"], "calibration end of the hold-out check {date} ({why}): {n} client",
        "calibration end of the hold-out check {date} ({why}): {n} clients",
        date=fmt.date(log["calibration_end"], "medium"),
        why=translate(CALIBRATION_REASONS[log["calibration_reason"]])))
    return lines + cleaning_lines(dataset, fmt)


def cleaning_lines(dataset: Dataset, fmt: Formatter) -> list[str]:
    """Return the cleaning summary: lines read and used, then every rule that applies with what it caught."""
    log = dataset.log
    cleaning = log["cleaning"]
    lines = [_("Cleaning:"), "  " + _("lines read: {read}; lines used: {used}; clients: {clients}").format(
        read=fmt.number(cleaning["lines_read"]), used=fmt.number(cleaning["lines_used"]),
        clients=fmt.number(len(dataset.frame)))]
    share = cleaning["missing_client_revenue_share"]
    nothing = []
    for rule in cleaning["rules"]:
        name, action = rule["rule"], rule["action"]
        if NEEDS.get(name) and NEEDS[name] not in log["columns"]:
            continue
        if name == "duplicates" and action == "not_checked":
            lines.append("  " + _("exact duplicate lines: not looked for (without an invoice number or a time of "
                                  "day, identical lines may be separate purchases; data.duplicate_lines = \"drop\" "
                                  "removes them)"))
            continue
        if (name, action) not in RULE_LINES:
            continue
        if not rule["lines"]:
            nothing.append(translate(LOG_RULE_LABELS[name]))
            continue
        lines.append("  " + RULE_LINES[(name, action)](fmt, rule["lines"], amount=fmt.number(rule["revenue"], 2),
                                                      share=fmt.percent(share) if share is not None else "—"))
    if nothing:
        lines.append("  " + _("none found: {rules}").format(rules=", ".join(nothing)))
    return lines
