"""Read and check a recommendation playbook (TOML): rules with conditions, figures and texts in fr, ru, en.

The bundled playbooks are templates/playbook.toml (churn segments) and templates/playbook_behaviour.toml
(behaviour clusters); `--playbook FILE` (or analysis.playbook) replaces the one of the input kind.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

from reportgen.analysis.playbook import FEATURE_STATS, GROUP_STATS, OPERATORS, OPTIONAL_TEXTS, SEGMENT_STATS
from reportgen.errors import ConfigError
from reportgen.i18n.catalogs import LANGUAGES
from reportgen.i18n.ui import _
from reportgen.paths import TEMPLATES_DIR

FORMATS = ("percent", "points", "money", "number", "ratio", "level", "count")
HORIZONS = ("short", "medium", "long")


def default_playbook(kind: str) -> Path:
    """Return the bundled playbook of an input kind (reportgen.kinds); raise KeyError for an unknown kind."""
    from reportgen.kinds import KINDS

    return TEMPLATES_DIR / KINDS[kind].playbook


def load_playbook(path: Path) -> dict:
    """Return the validated playbook in `path`; raise ConfigError listing every problem in it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("Playbook {path} does not exist.").format(path=path),
                          hint=_("Check the path given to --playbook (or analysis.playbook)."))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("Playbook {path} is not valid UTF-8 TOML: {error}").format(path=path, error=exc),
                          hint=_("Fix the line named above."))
    rules = raw.get("rule", [])
    problems = validate_rules(rules)
    if problems:
        raise ConfigError(_("The playbook {path} has problems:").format(path=path), problems=problems,
                          hint=_("Every rule needs id, priority, horizon, when, and text in fr, ru and en."))
    return {"source": str(path), "rules": rules}


def validate_rules(rules) -> list[str]:
    """Return every problem found in the playbook's rules (empty when they are usable)."""
    if not isinstance(rules, list) or not rules:
        return [_("no [[rule]] tables found")]
    problems, seen = [], set()
    for number, rule in enumerate(rules, start=1):
        where = _("rule {n} ({id})").format(n=number, id=rule.get("id", "?"))
        rid = rule.get("id")
        if not isinstance(rid, str) or not rid:
            problems.append(_("{where}: id is missing").format(where=where))
        elif rid in seen:
            problems.append(_("{where}: id is used twice").format(where=where))
        seen.add(rid)
        if not isinstance(rule.get("priority"), int):
            problems.append(_("{where}: priority must be a whole number").format(where=where))
        if rule.get("horizon") not in HORIZONS:
            problems.append(_("{where}: horizon must be short, medium or long").format(where=where))
        conditions = rule.get("when", [])
        if not isinstance(conditions, list) or (not conditions and not rule.get("generic")):
            problems.append(_("{where}: 'when' must list conditions (or the rule must be generic)").format(where=where))
            conditions = []
        for condition in conditions:
            problems.extend(f"{where}: {p}" for p in _check_reference(condition, need_op=True))
        figures = rule.get("figures", {})
        for name, figure in figures.items():
            problems.extend(f"{where}, {name}: {p}" for p in _check_reference(figure, need_op=False))
            if figure.get("format") not in FORMATS:
                problems.append(_("{where}: figure {name} needs a format among {formats}").format(
                    where=where, name=name, formats=", ".join(FORMATS)))
        for field in ("title", "text", *(f for f in OPTIONAL_TEXTS if f in rule)):
            texts = rule.get(field, {})
            for lang in LANGUAGES:
                text = texts.get(lang) if isinstance(texts, dict) else None
                if not isinstance(text, str) or not text.strip():
                    problems.append(_("{where}: {field} in {lang} is missing").format(where=where, field=field,
                                                                                     lang=lang))
                    continue
                # the action, its owner and its KPI are said in the plan's table, where no figure is: they quote none
                unknown = _placeholders(text) - (set() if field in ("action", "owner", "kpi") else set(figures))
                if unknown:
                    problems.append(_("{where}: {field} in {lang} uses unknown figures {names}").format(
                        where=where, field=field, lang=lang, names=", ".join(sorted(unknown))))
    return problems


def _check_reference(ref, need_op: bool) -> list[str]:
    """Return the problems of a condition or figure: what it reads, and how it compares."""
    if not isinstance(ref, dict):
        return [_("must be a table such as {{ feature = \"balance\", stat = \"median\" }}")]
    problems = []
    feature, stat = ref.get("feature"), ref.get("stat")
    allowed = {"segment": SEGMENT_STATS, "group": GROUP_STATS}.get(feature, FEATURE_STATS)
    if not isinstance(feature, str):
        problems.append(_("feature is missing"))
    if stat not in allowed:
        problems.append(_("stat {stat!r} is not one of {allowed}").format(stat=stat, allowed=", ".join(allowed)))
    if need_op:
        if ref.get("op") not in OPERATORS:
            problems.append(_("op must be one of {ops}").format(ops=" ".join(OPERATORS)))
        if "value" not in ref:
            problems.append(_("value is missing"))
        elif ref.get("op") == "in" and not isinstance(ref["value"], list):
            problems.append(_("op \"in\" needs a list of values, such as [\"lost\", \"hibernating\"]"))
    return problems


def _placeholders(text: str) -> set[str]:
    """Return the {names} a text fills in."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
