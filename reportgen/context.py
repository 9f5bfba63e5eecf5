"""Assemble the context: the one JSON-serialisable contract between the analysis and the renderers (its
per-client columns held as arrays until written: contract.column)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson

from reportgen import __version__
from reportgen.analysis.playbook import playbook_texts
from reportgen.contract import SCHEMA_VERSION, ContractError, validate
from reportgen.contract.column import Column


def assemble(dataset, results: dict, settings, playbook: dict, period: str, groups: list[dict],
             method: dict) -> dict:
    """Return a context validated against its input kind's contract: what every kind shares (meta, roles,
    labels, quality, playbook texts), the analysis results, the action plan of `groups` and the method.

    Raise ContractError when the analysis wrote something the contract does not describe: a bug, named by
    its path, caught here rather than by a renderer reading a key nobody wrote.
    """
    report = settings.report
    context = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "meta": {
            "period": period,
            "dataset": str(Path(dataset.path).resolve()),
            "kind": dataset.kind,
            "source": dataset.source_dict(),
            "rows_read": dataset.quality["rows_read"],
            "rows_used": dataset.quality["rows_used"],
            "organisation": report.organisation,
            "title": report.title,
            "currency": report.currency,
            "config": str(settings.source) if settings.source else None,
            "reportgen_version": __version__,
        },
        "roles": dataset.roles.to_dict(),
        "labels": settings.labels,
        "value_labels": settings.value_labels,
        "quality": dataset.quality,
        **results,
        "playbook": {"source": playbook["source"], "rules": playbook_texts(playbook)},
        "action_plan": action_plan(groups),
        "method": method,
    }
    return validate(to_plain(context))


def build_context(dataset, results: dict, settings, playbook: dict, period: str) -> dict:
    """Return the context of a customer table (with a churn flag); see assemble."""
    analysis = settings.analysis
    return assemble(dataset, results, settings, playbook, period, results["segments"], {
        "alpha": analysis.alpha,
        "correction": "holm",
        "confidence": 0.95,
        "interval": "wilson",
        "bootstrap_resamples": analysis.bootstrap_resamples,
        "min_segment_size": results["segment_search"]["min_size"],
        "max_conditions": analysis.max_conditions,
        "max_overlap": analysis.max_overlap,
        "clusters_range": [analysis.clusters_min, analysis.clusters_max],
        "random_state": analysis.random_state,
    })


def action_plan(segments: list[dict]) -> dict:
    """Return the recommendations of segments (or clusters) grouped by horizon, each with the groups it serves."""
    plan: dict[str, dict[str, dict]] = {"short": {}, "medium": {}, "long": {}}
    for segment in segments:
        for rec in segment["recommendations"]:
            entry = plan[rec["horizon"]].setdefault(
                rec["id"], {"id": rec["id"], "priority": rec["priority"], "segments": [], "clients": 0})
            entry["segments"].append(segment["id"])
            entry["clients"] += segment["size"]
    return {h: sorted(items.values(), key=lambda e: (-e["priority"], e["id"])) for h, items in plan.items()}


PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
LONG_LIST = 64  # a list of plain values longer than this (one entry per client) is written on one line


def to_plain(value):
    """Return `value` with numpy scalars and arrays made Python, NaN and inf made None, tuples made lists
    (a Column stays as it is: it reads and writes as such a list)."""
    if isinstance(value, Column):
        return value
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list) and len(value) > LONG_LIST and _already_plain(value):
        return value  # a per-client column: checked at C speed instead of element by element
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_plain(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Path):
        return str(value)
    return value


def _already_plain(values: list) -> bool:
    """Return True for a list of Python scalars with no NaN or infinity."""
    kinds = set(map(type, values))
    if not kinds <= PLAIN_SCALARS:
        return False
    if float not in kinds:
        return True
    if kinds == {float}:
        floats = values
    elif str not in kinds:
        floats = list(filter(None, values))  # None and zeros left out in C: the rest are numbers to sum
    else:
        floats = [v for v in values if type(v) is float]
    # a NaN or an infinity makes the sum not finite: one C loop instead of a call per value; a sum that
    # overflows only sends the list to the value-by-value check
    return math.isfinite(sum(floats)) or all(map(math.isfinite, floats))


def dumps(context: dict) -> str:
    """Return the context as JSON text (NaN is refused: it is not JSON); see dump_parts."""
    return b"".join(dump_parts(context)).decode("utf-8")


def dump_parts(context: dict) -> Iterator[bytes]:
    """Yield the context's JSON text piece by piece, as UTF-8 (NaN is refused: it is not JSON).

    Indented for reading, except the long lists of plain values (one entry per client), each written on one
    line: a million clients would otherwise take ten million lines and Python's slow indenting encoder.
    Yielded a list at a time, so that ten million clients are never one string in memory.
    """
    token = f"\x00{uuid.uuid4().hex}:"
    long_lists: list[list | Column] = []

    def shrink(value):
        if isinstance(value, Column):
            if len(value) <= LONG_LIST:
                return list(value)
            long_lists.append(value)
            return f"{token}{len(long_lists) - 1}"
        if isinstance(value, dict):
            return {k: shrink(v) for k, v in value.items()}
        if isinstance(value, list):
            if len(value) > LONG_LIST and _already_plain(value):
                long_lists.append(value)
                return f"{token}{len(long_lists) - 1}"
            return [shrink(v) for v in value]
        return value

    text = json.dumps(shrink(context), ensure_ascii=False, indent=1, allow_nan=False)
    quoted = re.escape(json.dumps(token)[:-1])  # the token as JSON writes it, without the closing quote
    start = 0
    for match in re.finditer(quoted + r'(\d+)"', text):
        yield text[start:match.start()].encode("utf-8")
        yield _long_list(long_lists[int(match.group(1))])
        start = match.end()
    yield text[start:].encode("utf-8")


def _long_list(values: list | Column) -> bytes:
    """Return a list of plain, finite values (or a Column) as one line of JSON, in UTF-8."""
    if isinstance(values, Column):
        return values.to_json()
    try:
        return orjson.dumps(values)  # bytes, written as they are: no text copy of ten million values
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, which orjson refuses and json writes
        return json.dumps(values, ensure_ascii=False, allow_nan=False).encode("utf-8")


def write_context(target: str | Path, context: dict) -> Path:
    """Write the context as JSON to `target` atomically, piece by piece; return the path."""
    from reportgen.atomic import atomic_path

    with atomic_path(target) as tmp, tmp.open("wb") as out:
        out.writelines(dump_parts(context))
    return Path(target)


def load_context(path: Path) -> dict:
    """Return a context read from a context.json; raise DataError when it is not one."""
    from reportgen.errors import DataError, Location
    from reportgen.i18n.ui import _

    try:
        context = orjson.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise DataError(_("The context file does not exist."), hint=_("Run `reportgen build` or `reportgen analyze` first."),
                        location=Location(file=str(path)))
    except orjson.JSONDecodeError as exc:  # invalid UTF-8 included
        raise DataError(_("The file is not a reportgen context (invalid JSON: {error}).").format(error=exc),
                        hint=_("Give a context.json written by `reportgen analyze` or `reportgen build`."),
                        location=Location(file=str(path)))
    if not isinstance(context, dict) or "schema_version" not in context:
        raise DataError(_("The file is not a reportgen context (it has no schema_version)."),
                        hint=_("Give a context.json written by `reportgen analyze` or `reportgen build`."),
                        location=Location(file=str(path)))
    if context["schema_version"] != SCHEMA_VERSION:
        raise DataError(
            _("The context has schema version {found}; this reportgen reads version {expected}.").format(
                found=context["schema_version"], expected=SCHEMA_VERSION),
            hint=_("Run the analysis again with this version of reportgen."),
            location=Location(file=str(path)))
    try:
        validate(context)
    except ContractError as exc:
        raise DataError(
            _("The context does not follow the contract at {path}: {problem}.").format(path=exc.path,
                                                                                    problem=exc.problem),
            hint=_("Give a context.json written by `reportgen analyze` or `reportgen build`, unedited; "
                   "`reportgen schema` prints what a context must hold."),
            location=Location(file=str(path)))
    return context
