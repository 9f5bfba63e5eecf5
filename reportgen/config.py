"""reportgen.toml -> typed settings with defaults; every problem collected and reported at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
import types
import typing
from pathlib import Path

from reportgen.errors import ConfigError
from reportgen.i18n.ui import N_, _, translate
# the settings themselves, typed with defaults and a meaning each; imported from here by most of the house
from reportgen.settings import (FREE_SECTIONS, SECTIONS, AnalysisSettings, ColumnSettings,  # noqa: F401
                                DataSettings, EmailSettings, EngineSettings, ExportSettings, ReportSettings,
                                Settings)

CONFIG_NAME = "reportgen.toml"


# Settings that existed once and are no longer used: a config that still sets one is told why, not just
# that the key is unknown.
REMOVED = {
    ("analysis", "segments_min"): N_(
        "segments are now kept only when they hold on clients the search did not see, so a minimum number "
        "would report segments that do not hold; segments_max still caps how many are reported"),
}


def find_config(explicit: str | Path | None) -> Path | None:
    """Return the config file to use: the explicit one, else ./reportgen.toml if present."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(
                _("Config file {path} does not exist.").format(path=path),
                hint=_("Check the path given to --config."),
            )
        return path
    default = Path.cwd() / CONFIG_NAME
    return default if default.is_file() else None


# SMTP settings that may come from the environment (a CI job or a server's secrets), over the file
ENVIRONMENT = {"REPORTGEN_SMTP_HOST": "host", "REPORTGEN_SMTP_PORT": "port", "REPORTGEN_SMTP_SECURITY": "security",
               "REPORTGEN_SMTP_USER": "user", "REPORTGEN_SMTP_SENDER": "sender"}


def load_settings(explicit: str | Path | None = None, environ: dict | None = None) -> Settings:
    """Return the settings from the config file (or defaults) and the environment; raise ConfigError
    listing every problem."""
    path = find_config(explicit)
    if path is None:
        return _from_environment(Settings(), environ)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(_("Config file {path} is not UTF-8 text.").format(path=path), hint=_("Save it as UTF-8."))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("Config file {path} is not valid TOML: {error}").format(path=path, error=exc),
            hint=_("Fix the line named above; strings need quotes, lists square brackets."),
        )
    return _from_environment(settings_from_dict(raw, source=path), environ)


def default_settings(environ: dict | None = None) -> Settings:
    """Return the defaults, with the REPORTGEN_SMTP_* variables of the environment applied."""
    return _from_environment(Settings(), environ)


def applies_to(settings: Settings, data: str | Path | None) -> bool:
    """Return False when the settings' file configures only its own data file (data.only_for_path) and `data`
    names another one; True otherwise (no --data, no such mark, or the same file)."""
    if not data or not settings.data.only_for_path or not settings.data.path:
        return True
    own, given = settings.resolve(settings.data.path), Path(data).expanduser()
    try:
        return own.resolve() == given.resolve() or (own.exists() and given.exists() and own.samefile(given))
    except OSError:
        return False


def _from_environment(settings: Settings, environ: dict | None) -> Settings:
    """Return the settings with REPORTGEN_SMTP_* variables applied to [email]; raise ConfigError if one is bad."""
    env = os.environ if environ is None else environ
    problems = []
    for variable, key in ENVIRONMENT.items():
        value = env.get(variable)
        if not value:
            continue
        if key == "port":
            if not value.strip().isdigit():
                problems.append(_("{variable} = {value!r}: expected a whole number").format(
                    variable=variable, value=value))
                continue
            value = int(value)
        setattr(settings.email, key, value)
    return validate(settings, problems)


def settings_from_dict(raw: dict, source: Path | None = None) -> Settings:
    """Return settings built from a parsed TOML dict; raise ConfigError listing every problem."""
    problems: list[str] = []
    warnings: list[str] = []
    kwargs = {}
    for key, value in raw.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                problems.append(_("[{section}] must be a table of settings.").format(section=key))
                continue
            kwargs[key] = _build_section(SECTIONS[key], key, value, problems, warnings)
        elif key in FREE_SECTIONS:
            if not isinstance(value, dict):
                problems.append(_("[{section}] must be a table.").format(section=key))
                continue
            kwargs[key] = value
        else:
            warnings.append(
                _("unknown section or key '{key}' is ignored (known: {known})").format(
                    key=key, known=", ".join([*SECTIONS, *FREE_SECTIONS])
                )
            )
    settings = Settings(**kwargs, source=source)
    settings.warnings.extend(warnings)
    return validate(settings, problems)


def _build_section(cls, section: str, values: dict, problems: list[str], warnings: list[str]):
    """Return an instance of the section dataclass `cls`, collecting type problems and unknown keys."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if (section, key) in REMOVED:
            warnings.append(_("'{key}' in [{section}] is no longer used and is ignored: {why}").format(
                key=key, section=section, why=translate(REMOVED[(section, key)])))
            continue
        if key not in known:
            warnings.append(
                _("unknown key '{key}' in [{section}] is ignored (known: {known})").format(
                    key=key, section=section, known=", ".join(sorted(known))
                )
            )
            continue
        expected = hints[key]
        converted = _coerce(value, expected)
        if converted is _BAD:
            problems.append(
                _("[{section}] {key} = {value!r}: expected {type}").format(
                    section=section, key=key, value=value, type=_type_name(expected)
                )
            )
            continue
        kwargs[key] = converted
    return cls(**kwargs)


_BAD = object()


def _coerce(value, expected):
    """Return `value` as the annotated type, or _BAD when it cannot be."""
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(expected):
            got = _coerce(value, arg)
            if got is not _BAD:
                return got
        return _BAD
    if origin is list:
        (item,) = typing.get_args(expected)
        if isinstance(value, str) and item is str:
            return [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            return _BAD
        items = [_coerce(v, item) for v in value]
        return _BAD if any(i is _BAD for i in items) else items
    if expected is type(None):
        return None if value is None else _BAD
    if expected is dict:
        return value if isinstance(value, dict) else _BAD
    if expected is bool:
        return value if isinstance(value, bool) else _BAD
    if expected is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _BAD
    if expected is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _BAD
    if expected is str:
        return value if isinstance(value, str) else _BAD
    return value


def _type_name(expected) -> str:
    """Return a readable name for a type annotation."""
    names = {str: _("text"), int: _("a whole number"), float: _("a number"), bool: _("true or false"), dict: _("a table")}
    if typing.get_origin(expected) in (typing.Union, types.UnionType):  # 'float | None': the value's type
        return _type_name(next(a for a in typing.get_args(expected) if a is not type(None)))
    if typing.get_origin(expected) is list:
        return _("a list of {item}").format(item=_type_name(typing.get_args(expected)[0]))
    return names.get(expected, str(expected))


def validate(settings: Settings, problems: list[str] | None = None) -> Settings:
    """Return `settings` after cross-field checks, its display text cleaned; raise ConfigError listing all problems."""
    from reportgen.i18n.catalogs import LANGUAGES

    problems = list(problems or []) + _clean_display_text(settings)
    r, a, d, e = settings.report, settings.analysis, settings.data, settings.email
    bad_langs = [lang for lang in r.languages if lang not in LANGUAGES]
    if bad_langs:
        problems.append(_("[report] languages: unknown {langs} (use fr, ru, en)").format(langs=", ".join(bad_langs)))
    bad_formats = [f for f in r.formats if f not in ("pptx", "pdf")]
    if bad_formats:
        problems.append(_("[report] formats: unknown {formats} (use pptx, pdf)").format(formats=", ".join(bad_formats)))
    if r.period and not _valid_period(r.period):
        problems.append(_("[report] period = {period!r}: use the form 2026-Q3").format(period=r.period))
    if len(r.currency) != 3 or not r.currency.isalpha():
        problems.append(_("[report] currency = {c!r}: use an ISO 4217 code such as RUB or EUR").format(c=r.currency))
    if not 0 < a.alpha < 0.5:
        problems.append(_("[analysis] alpha must be between 0 and 0.5"))
    if a.clusters_min < 2 or a.clusters_max < a.clusters_min:
        problems.append(_("[analysis] clusters_min must be at least 2 and no more than clusters_max"))
    if a.segments_max < 1:
        problems.append(_("[analysis] segments_max must be at least 1"))
    if not 1 <= a.max_conditions <= 4:
        problems.append(_("[analysis] max_conditions must be between 1 and 4"))
    if not 0 < a.max_overlap <= 1:
        problems.append(_("[analysis] max_overlap must be between 0 and 1"))
    if a.min_segment_size < 1 or not 0 < a.min_segment_share < 1:
        problems.append(_("[analysis] min_segment_size must be positive and min_segment_share between 0 and 1"))
    if not 0 < a.contact_share < 1 or not 0 < a.high_value_share < 1:
        problems.append(_("[analysis] contact_share and high_value_share must be between 0 and 1"))
    if a.retention_uplift is not None and not 0 < a.retention_uplift <= 1:
        problems.append(_("[analysis] retention_uplift must be above 0 and at most 1 (or left out: no assumption)"))
    if a.bootstrap_resamples < 100:
        problems.append(_("[analysis] bootstrap_resamples must be at least 100"))
    if a.inactivity_days < 0:
        problems.append(_("[analysis] inactivity_days must be 0 (derived from the log) or a number of days"))
    if not 1 <= a.clv_months <= 120:
        problems.append(_("[analysis] clv_months must be between 1 and 120"))
    if not 0 <= a.monthly_discount < 1:
        problems.append(_("[analysis] monthly_discount must be at least 0 and below 1 (0.01 is 1 % a month)"))
    if not 0 <= d.max_bad_row_share < 1 or not 0 <= d.max_unparsed_share < 1:
        problems.append(_("[data] max_bad_row_share and max_unparsed_share must be between 0 and 1"))
    if d.separator not in ("auto", ",", ";", "tab", "\t", "|"):
        problems.append(_("[data] separator = {sep!r}: use auto, ',', ';', 'tab' or '|'").format(sep=d.separator))
    problems += _log_problems(settings)
    if e.security not in ("starttls", "tls", "none"):
        problems.append(_("[email] security = {s!r}: use starttls, tls or none").format(s=e.security))
    if not isinstance(e.recipients, dict) or any(
        k not in LANGUAGES or not isinstance(v, list) or not all(isinstance(x, str) for x in v)
        for k, v in e.recipients.items()
    ):
        problems.append(_("[email.recipients] must map fr, ru or en to a list of addresses"))
    for column, bounds in settings.ranges.items():
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) for b in bounds)
                and bounds[0] <= bounds[1]):
            problems.append(_("[ranges] {column} must be [low, high], two numbers").format(column=column))
    for lang, labels in settings.labels.items():
        if lang not in LANGUAGES or not isinstance(labels, dict):
            problems.append(_("[labels.{lang}] must be a table under fr, ru or en").format(lang=lang))
    for column, per_lang in settings.value_labels.items():
        if not isinstance(per_lang, dict) or any(k not in LANGUAGES or not isinstance(v, dict) for k, v in per_lang.items()):
            problems.append(_("[value_labels.{column}] must hold tables fr, ru or en of value = label").format(column=column))
    if problems:
        where = settings.source or _("the command line")
        raise ConfigError(
            _("The configuration in {where} has problems:").format(where=where),
            problems=problems,
            hint=_("Fix every line above; `reportgen config` prints every setting with its meaning."),
        )
    return settings


# The units of a memory size as DuckDB's memory_limit reads them (512MB, 2GB, 1.5GiB): KB is a thousand
# bytes, KiB 1024
_UNITS = {"B": 1, "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9, "TB": 10 ** 12,
          "KIB": 2 ** 10, "MIB": 2 ** 20, "GIB": 2 ** 30, "TIB": 2 ** 40}


def size_in_bytes(size: str) -> float:
    """Return the bytes of a memory size such as '512MB' or '1.5 GiB'; raise ValueError for another text."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*", size)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"not a memory size: {size!r}")
    return float(match.group(1)) * _UNITS[match.group(2).upper()]


ENGINES = ("duckdb", "spark")


def _log_problems(settings: Settings) -> list[str]:
    """Return the problems of the settings a transaction log is read with: choices, dates, the engine."""
    from reportgen.ingest.logdates import layout_from_format

    d, a, g = settings.data, settings.analysis, settings.engine
    problems = []
    if d.duplicate_lines not in ("auto", "drop", "keep"):
        problems.append(_("[data] duplicate_lines = {value!r}: use auto, drop or keep").format(
            value=d.duplicate_lines))
    if d.zero_amounts not in ("keep", "drop"):
        problems.append(_("[data] zero_amounts = {value!r}: use keep or drop").format(value=d.zero_amounts))
    if d.date_format:
        try:
            layout_from_format(d.date_format)
        except ValueError as exc:
            problems.append(_("[data] date_format = {value!r}: {why}").format(value=d.date_format, why=exc))
    dates = {}
    for key in ("as_of", "calibration_end"):
        value = getattr(a, key)
        if value:
            dates[key] = parse_day(value)
            if dates[key] is None:
                problems.append(_("[analysis] {key} = {value!r}: use a date written YYYY-MM-DD").format(
                    key=key, value=value))
    if dates.get("as_of") and dates.get("calibration_end") and dates["calibration_end"] >= dates["as_of"]:
        problems.append(_("[analysis] calibration_end must come before as_of"))
    if g.name not in ENGINES:
        problems.append(_("[engine] name = {value!r}: use {engines}").format(value=g.name, engines=", ".join(ENGINES)))
    if not g.spark_master.strip():
        problems.append(_("[engine] spark_master is empty: use local[2], spark://host:7077 or yarn"))
    odd = [key for key, value in g.spark_conf.items() if not isinstance(value, (str, int, float, bool))]
    if odd:
        problems.append(_("[engine.spark_conf] {keys}: each Spark setting takes text, a number or true/false").format(
            keys=", ".join(odd)))
    try:
        size_in_bytes(g.memory_limit)
    except ValueError:
        problems.append(_("[engine] memory_limit = {value!r}: use a size such as 512MB or 4GB").format(
            value=g.memory_limit))
    return problems


def parse_day(text: str) -> dt.date | None:
    """Return the date written YYYY-MM-DD in `text`, or None when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _clean_display_text(settings: Settings) -> list[str]:
    """Clean, in place, the config text shown on slides, in PDFs and in e-mail subjects; return problems found.

    A line break or control character in a one-line title or label is an editing artefact (a value pasted
    from another program, a carriage return typed as an escape): it is folded into a space, as in the data,
    rather than refused. A label that is not text (age = 5) is a problem.
    """
    from reportgen.render.sanitize import clean_text

    report = settings.report
    report.organisation, report.title = clean_text(report.organisation), clean_text(report.title)
    problems: list[str] = []
    tables = [(f"labels.{lang}", labels) for lang, labels in settings.labels.items()]
    tables += [(f"value_labels.{column}.{lang}", labels) for column, per_lang in settings.value_labels.items()
               if isinstance(per_lang, dict) for lang, labels in per_lang.items()]
    for section, labels in tables:
        if not isinstance(labels, dict):
            continue  # reported by validate
        for key, value in labels.items():
            if isinstance(value, str):
                labels[key] = clean_text(value)
            else:
                problems.append(_("[{section}] {key} = {value!r}: expected {type}").format(
                    section=section, key=key, value=value, type=_type_name(str)))
    return problems


def _valid_period(period: str) -> bool:
    """Return True for a period of the form YYYY-Qn."""
    return re.fullmatch(r"\d{4}-Q[1-4]", period) is not None


def default_period(today: dt.date | None = None) -> str:
    """Return the last complete quarter before `today` (2026-11-24 -> 2026-Q3)."""
    today = today or dt.date.today()
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return f"{year}-Q{quarter}"


def period_end(period: str) -> dt.date | None:
    """Return the last day of a period written YYYY-Qn ('2026-Q3' -> 2026-09-30); None for other labels."""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", period)
    if not m:
        return None
    year, quarter = int(m.group(1)), int(m.group(2))
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def previous_period(period: str) -> str:
    """Return the quarter before `period` ('2026-Q1' -> '2025-Q4'); other labels get ' (previous)'."""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", period)
    if not m:
        return f"{period} (previous)"
    year, quarter = int(m.group(1)), int(m.group(2))
    return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"


def describe_settings() -> list[tuple[str, str, str]]:
    """Return (key, default, meaning) for every setting, for `reportgen config`."""
    rows = []
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            rows.append((f"{section}.{f.name}", repr(default), f.metadata.get("doc", "")))
    for f in dataclasses.fields(Settings):
        if f.name in FREE_SECTIONS:
            rows.append((f.name, "{}", f.metadata["doc"]))
    return rows
