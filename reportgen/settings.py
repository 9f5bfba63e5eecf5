"""The settings of a run, typed, each with its default and its meaning (`reportgen config` lists them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.i18n.ui import N_


def opt(default, doc: str, **kw):
    """Return a dataclass field carrying its documentation (shown by `reportgen config --help`)."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata={"doc": doc}, **kw)
    return field(default=default, metadata={"doc": doc}, **kw)


@dataclass
class ReportSettings:
    """What the report is about and where it goes."""

    organisation: str = opt("", N_("Organisation named on the title slide and in the PDF header."))
    title: str = opt("", N_("Report title; empty: the translated default title."))
    period: str = opt("", N_("Period covered, e.g. 2026-Q3; empty: the last complete quarter before today."))
    languages: list[str] = opt(["fr", "ru", "en"], N_("Languages to build when --lang is not given."))
    formats: list[str] = opt(["pptx", "pdf"], N_("Formats to build when --format is not given."))
    output: str = opt("output", N_("Folder under which output/<period>/ is written."))
    currency: str = opt("RUB", N_("ISO 4217 code of the money columns (income, balance)."))
    template: str = opt("", N_("A corporate .pptx whose layouts the deck uses; empty: the bundled one."))
    templates: str = opt("", N_("A folder of HTML templates that override the bundled PDF templates."))


@dataclass
class DataSettings:
    """Which data file is read and how."""

    path: str = opt("", N_("Data file (CSV, XLSX, Parquet); empty: the bundled sample."))
    only_for_path: bool = opt(False, N_(
        "true: this file configures only the data at data.path, and a run whose --data names another file does "
        "not use it (the repository's own reportgen.toml, written for the bundled sample, says so)."))
    kind: str = opt("customers", N_(
        "Input kind: customers (one row per client with a churn flag; a table without one is read as behaviour) "
        "or behaviour (one row per client, segmented by behaviour alone: no churn figures)."))
    encoding: str = opt("auto", N_("Text encoding of a CSV file: auto, utf-8, cp1251, latin-1, ..."))
    separator: str = opt("auto", N_("CSV separator: auto, ',', ';', 'tab' or '|'."))
    sheet: str = opt("", N_("XLSX sheet name; empty: the first sheet."))
    max_bad_row_share: float = opt(0.01, N_("Share of ragged rows (wrong number of fields) skipped before the load stops."))
    max_unparsed_share: float = opt(0.0, N_("Share of non-numbers tolerated in a numeric column (treated as missing)."))
    max_xlsx_uncompressed_mb: int = opt(512, N_("Largest uncompressed size of an XLSX file, in MB."))
    max_xlsx_ratio: int = opt(100, N_("Largest compression ratio of a member of an XLSX file."))


@dataclass
class ColumnSettings:
    """Which column plays which role; anything left empty is detected from names and types."""

    id: str = opt("", N_("Client id column (read as text: 007 stays 007)."))
    churn: str = opt("", N_("Churn flag column (1/0, true/false, yes/no, oui/non, да/нет)."))
    income: str = opt("", N_("Income column (money)."))
    balance: str = opt("", N_("Account balance column (money)."))
    products: str = opt("", N_("Number of products column."))
    credit_card: str = opt("", N_("Has-a-credit-card flag column."))
    property: str = opt("", N_("Property (equity) score column."))
    activity: str = opt("", N_("Recently-active flag column."))
    age: str = opt("", N_("Age column."))
    gender: str = opt("", N_("Gender column."))
    region: str = opt("", N_("City or region column."))
    score: str = opt("", N_("Credit score column."))
    tenure: str = opt("", N_("Tenure (years as a client) column."))
    spending_score: str = opt("", N_("Spending score column (a shop's rating of how much a client spends)."))
    purchases: str = opt("", N_("Purchases column (amount spent, money)."))
    cash_advance: str = opt("", N_("Cash advance column (cash drawn on a credit card, money)."))
    credit_limit: str = opt("", N_("Credit limit column (money)."))
    payments: str = opt("", N_("Payments column (amount repaid, money)."))
    purchase_frequency: str = opt("", N_("Purchase frequency column (how often a client buys)."))
    numeric: list[str] = opt([], N_("Further numeric features."))
    categorical: list[str] = opt([], N_("Further categorical features."))
    binary: list[str] = opt([], N_("Further yes/no features."))
    ignore: list[str] = opt([], N_("Columns left out of the analysis."))


@dataclass
class AnalysisSettings:
    """Parameters of the tests, segments and clusters."""

    alpha: float = opt(0.05, N_("Significance level, after Holm's correction."))
    min_segment_size: int = opt(500, N_("Smallest churn-prone segment, in clients."))
    min_segment_share: float = opt(0.05, N_("Smallest segment as a share of the table, used when that is smaller."))
    segments_max: int = opt(5, N_("Most churn-prone segments to report."))
    max_conditions: int = opt(3, N_("Most conditions combined in one segment."))
    max_overlap: float = opt(0.3, N_("Largest Jaccard index allowed between two reported segments."))
    clusters_min: int = opt(2, N_("Smallest number of clusters tried."))
    clusters_max: int = opt(8, N_("Largest number of clusters tried."))
    min_cluster_share: float = opt(0.02, N_("Smallest cluster as a share of the table."))
    random_state: int = opt(42, N_("Seed of KMeans, the bootstrap and the samples."))
    bootstrap_resamples: int = opt(2000, N_("Resamples of the bootstrap interval of a difference of medians."))
    playbook: str = opt("", N_("Recommendation playbook (TOML); empty: the bundled one."))


@dataclass
class EmailSettings:
    """SMTP server and recipients of `reportgen send`."""

    host: str = opt("", N_("SMTP server host name."))
    port: int = opt(587, N_("SMTP port (587 for STARTTLS, 465 for implicit TLS)."))
    security: str = opt("starttls", N_("starttls, tls (implicit) or none (only for a server on this machine)."))
    user: str = opt("", N_("Login name; empty: no authentication."))
    password_env: str = opt("REPORTGEN_SMTP_PASSWORD", N_("Environment variable holding the password."))
    sender: str = opt("", N_("From address, e.g. 'Analytics <analytics@bank.example>'."))
    reply_to: str = opt("", N_("Reply-To address; empty: none."))
    timeout: float = opt(30.0, N_("Socket timeout in seconds."))
    cafile: str = opt("", N_("CA bundle that signs the server's certificate; empty: the system's."))
    recipients: dict = opt({}, N_("Recipients per language: fr = ['a@x.org', ...]."))


@dataclass
class Settings:
    """All settings of a run; `source` is the file they came from (None: defaults)."""

    report: ReportSettings = field(default_factory=ReportSettings)
    data: DataSettings = field(default_factory=DataSettings)
    columns: ColumnSettings = field(default_factory=ColumnSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    labels: dict = field(default_factory=dict, metadata={"doc": N_("Column labels per language: [labels.fr] age = 'Âge'.")})
    value_labels: dict = field(
        default_factory=dict, metadata={"doc": N_("Value labels: [value_labels.city.fr] 'Ярославль' = 'Iaroslavl'.")}
    )
    ranges: dict = field(default_factory=dict, metadata={"doc": N_("Plausible ranges: age = [18, 100].")})
    source: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        """Return the folder relative paths in the config are resolved against."""
        return self.source.parent if self.source else Path.cwd()

    def resolve(self, path: str) -> Path:
        """Return `path` resolved against the config file's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p


SECTIONS = {
    "report": ReportSettings,
    "data": DataSettings,
    "columns": ColumnSettings,
    "analysis": AnalysisSettings,
    "email": EmailSettings,
}
FREE_SECTIONS = ("labels", "value_labels", "ranges")
