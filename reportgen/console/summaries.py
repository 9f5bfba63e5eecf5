"""Text the CLI prints about a dataset: the roles found and the data-quality summary, in the UI language."""

from __future__ import annotations

from reportgen.i18n.formatting import Formatter
from reportgen.i18n.labels import GROUPING_LABELS, IGNORED_REASONS, ROLE_LABELS
from reportgen.i18n.ui import _, translate, ui_language
from reportgen.ingest.dataset import Dataset


def roles_lines(dataset: Dataset) -> list[str]:
    """Return lines naming the column found for each role and the feature columns by kind."""
    roles = dataset.roles
    sources = {"config": _("from the config"), "name": _("by name"), "type": _("by type")}

    def line(label: str, column: str | None) -> str:
        how = sources.get(roles.sources.get(column, ""), "")
        return f"  {label:<22} {column}" + (f"  ({how})" if how else "") if column else f"  {label:<22} —"

    lines = [_("Roles found:"), line(translate(ROLE_LABELS["id"]), roles.id),
             line(translate(ROLE_LABELS["churn"]), roles.churn)]
    lines += [line(translate(ROLE_LABELS[role]), column) for role, column in roles.semantic.items()]
    lines.append("  " + _("numeric features: {columns}").format(columns=", ".join(roles.numeric) or "—"))
    lines.append("  " + _("yes/no features: {columns}").format(columns=", ".join(roles.binary) or "—"))
    lines.append("  " + _("categorical features: {columns}").format(columns=", ".join(roles.categorical) or "—"))
    for column, reason in roles.ignored.items():
        lines.append("  " + _("left out: {column} ({reason})").format(
            column=column, reason=translate(IGNORED_REASONS.get(reason, reason))))
    return lines


def roles_brief(dataset: Dataset) -> str:
    """Return one line naming the id and churn columns and counting the features of each kind."""
    roles = dataset.roles
    fmt = Formatter(ui_language())
    return _("Roles: {id_label} {id}, {churn_label} {churn}; features: {numeric} numeric, {binary} yes/no, "
             "{categorical} categorical ({left_out} left out).").format(
        id_label=translate(ROLE_LABELS["id"]), id=roles.id or "—", churn_label=translate(ROLE_LABELS["churn"]),
        churn=roles.churn or "—", numeric=fmt.number(len(roles.numeric)), binary=fmt.number(len(roles.binary)),
        categorical=fmt.number(len(roles.categorical)), left_out=fmt.number(len(roles.ignored)))


def quality_lines(dataset: Dataset) -> list[str]:
    """Return the data-quality summary: rows, missing values, duplicates, repeated ids, implausible values."""
    q = dataset.quality
    fmt = Formatter(ui_language())
    n = fmt.number
    lines = [_("Data quality:")]
    lines.append("  " + _("rows read: {read}; rows used: {used}").format(read=n(q["rows_read"]), used=n(q["rows_used"])))
    if q["skipped_rows"]["count"]:
        lines.append("  " + fmt.quantity(q["skipped_rows"]["count"], "{n} ragged row skipped (lines {lines})",
                                      "{n} ragged rows skipped (lines {lines})",
                                      lines=", ".join(map(str, q["skipped_rows"]["rows"]))))
    missing = {c: v for c, v in q["missing"].items() if v}
    if missing:
        lines.append("  " + _("missing values: {list}").format(
            list=", ".join(f"{c} {n(v)}" for c, v in sorted(missing.items(), key=lambda kv: -kv[1]))))
    else:
        lines.append("  " + _("missing values: none"))
    if q["missing_churn"]["count"]:
        lines.append("  " + fmt.quantity(q["missing_churn"]["count"], "{n} row without a churn flag left out",
                                      "{n} rows without a churn flag left out"))
    lines.append("  " + fmt.quantity(q["duplicate_rows"]["count"], "{n} exact duplicate row (dropped)",
                                  "{n} exact duplicate rows (dropped)"))
    rep = q["repeated_ids"]
    if rep["ids"]:
        lines.append("  " + fmt.quantity(rep["ids"], "{n} id appears on several differing rows (kept: different clients)",
                                      "{n} ids appear on several differing rows (kept: different clients)")
                     + " — " + _("e.g. {ids}").format(ids=", ".join(rep["examples"][:5])))
    else:
        lines.append("  " + _("repeated ids: none"))
    if q["out_of_range"]:
        for column, info in q["out_of_range"].items():
            bounds = f"[{'' if info['low'] is None else n(info['low'])}; {'' if info['high'] is None else n(info['high'])}]"
            lines.append("  " + fmt.quantity(info["count"], "{n} value of {column} outside {bounds} treated as missing",
                                          "{n} values of {column} outside {bounds} treated as missing",
                                          column=column, bounds=bounds))
    else:
        lines.append("  " + _("values out of a plausible range: none"))
    for column, count in q.get("unparsed", {}).items():
        lines.append("  " + fmt.quantity(count, "{n} text value in numeric column {column} treated as missing",
                                      "{n} text values in numeric column {column} treated as missing", column=column))
    for column, number_format in q.get("number_formats", {}).items():
        lines.append("  " + number_format_line(column, number_format, fmt))
    return lines


def number_format_line(column: str, nf: dict, fmt: Formatter) -> str:
    """Return how a numeric column written as text was read: decimal mark, thousands separators, blanks."""
    if nf["decimal"] == ",":
        parts = [_("decimal comma")]
    else:
        parts = [_("decimal point") if nf["proof"] else _("decimal point (the default: no cell shows the mark)")]
    if nf["grouping"]:
        parts.append(_("thousands separator: {characters}").format(
            characters=", ".join(translate(GROUPING_LABELS[g]) for g in nf["grouping"])))
    else:
        parts.append(_("no thousands separator"))
    if nf["blank"]:
        parts.append(fmt.quantity(nf["blank"], "{n} blank cell read as missing", "{n} blank cells read as missing"))
    if nf["markers"]:
        parts.append(fmt.quantity(nf["markers"], "{n} missing marker (such as NA or н/д) read as missing",
                                  "{n} missing markers (such as NA or н/д) read as missing"))
    if nf["ambiguous"]:
        parts.append(fmt.quantity(
            nf["ambiguous"], "{n} cell that reads both ways (such as 1.234) read with the column's decimal mark",
            "{n} cells that read both ways (such as 1.234) read with the column's decimal mark"))
    # TRANSLATORS: between the parts of one line about a column's number format (French: no-break space before ;)
    between = _("; ")
    return _("numbers in {column}: {details}").format(column=column, details=between.join(parts))


def source_line(dataset: Dataset) -> str:
    """Return one line naming the file, its format and how it was read."""
    src = dataset.source_dict()
    details = [src["format"].upper()]
    if src["encoding"]:
        details.append(src["encoding"])
    if src["separator"]:
        details.append(_("separator {sep!r}").format(sep=src["separator"]))
    return _("Data: {path} ({details})").format(path=src["path"], details=", ".join(details))
