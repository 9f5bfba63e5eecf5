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
        "Input kind: customers (one row per client with a churn flag; a table without one is read as behaviour), "
        "behaviour (one row per client, segmented by behaviour alone: no churn figures) or transactions (a log "
        "of purchases, one line each, summarised per client; a customers table whose columns are a client id, "
        "a date and an amount is read as one)."))
    encoding: str = opt("auto", N_("Text encoding of a CSV file: auto, utf-8, cp1251, latin-1, ..."))
    separator: str = opt("auto", N_("CSV separator: auto, ',', ';', 'tab' or '|'."))
    sheet: str = opt("", N_("XLSX sheet name; empty: the first sheet."))
    max_bad_row_share: float = opt(0.01, N_("Share of ragged rows (wrong number of fields) skipped before the load stops."))
    max_unparsed_share: float = opt(0.0, N_("Share of non-numbers tolerated in a numeric column (treated as missing)."))
    max_xlsx_uncompressed_mb: int = opt(512, N_("Largest uncompressed size of an XLSX file, in MB."))
    max_xlsx_ratio: int = opt(100, N_("Largest compression ratio of a member of an XLSX file."))
    date_format: str = opt("", N_(
        "Dates of a transaction log, strptime-style (e.g. %d/%m/%Y %H:%M); empty: detected (ISO, day first or "
        "month first as the data proves it, dd.mm.yyyy)."))
    duplicate_lines: str = opt("auto", N_(
        "Exact duplicate lines of a transaction log: drop, keep, or auto (dropped when the log has an invoice "
        "column or times of day; without either, two identical lines may be two purchases)."))
    zero_amounts: str = opt("keep", N_(
        "Log lines with a zero amount or price (free items): keep (a purchase that brings no revenue) or drop."))


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
    date: str = opt("", N_("Transaction log: date or date-time column of each line."))
    amount: str = opt("", N_("Transaction log: amount of each line (money); without it, quantity × price."))
    quantity: str = opt("", N_("Transaction log: quantity column (negative: a return)."))
    price: str = opt("", N_("Transaction log: unit price column (money)."))
    invoice: str = opt("", N_("Transaction log: invoice or receipt number (starting with C: cancelled)."))
    country: str = opt("", N_("Transaction log: country column (optional)."))
    channel: str = opt("", N_("Transaction log: sales channel column (optional)."))
    category: str = opt("", N_("Transaction log: product category column (optional)."))
    value: str = opt("", N_(
        "What a client is worth (balance, revenue, margin): the value at risk is churn risk × this column; "
        "empty: the balance, else the income, as a proxy."))
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
    inactivity_days: int = opt(0, N_(
        "Days without a purchase after which a client of a transaction log counts as lapsed; 0: derived from "
        "the log's own times between purchases."))
    clv_months: int = opt(12, N_("Months of future purchases counted in a client's lifetime value."))
    monthly_discount: float = opt(0.01, N_("Monthly discount rate applied to future purchases in the lifetime value."))
    as_of: str = opt("", N_(
        "Analysis date of a transaction log (YYYY-MM-DD); empty: the end of the report period when the log "
        "covers it, else the log's last date."))
    calibration_end: str = opt("", N_(
        "End of the calibration period of the lifetime-value hold-out check (YYYY-MM-DD); empty: 13 weeks "
        "before the analysis date."))
    predict: bool = opt(True, N_("Predict each client's churn risk, with value at risk, action groups and client lists."))
    contact_share: float = opt(0.10, N_(
        "Contact capacity: the share of clients, riskiest first, a retention campaign can reach; precision is "
        "measured there."))
    high_value_share: float = opt(0.20, N_("The most valuable share of clients, for the high-value action group."))
    retention_uplift: float | None = opt(None, N_(
        "Assumed share of the at-risk group's expected departures a retention campaign prevents, e.g. 0.1; "
        "unset: no expected effect is stated."))


@dataclass
class EngineSettings:
    """Where the passes over every line of a transaction log run."""

    name: str = opt("duckdb", N_(
        "Engine of the passes over every line or row: duckdb (embedded) or spark (Apache Spark, for data in a "
        "cluster: pip install 'reportgen[spark]' and a Java runtime)."))
    memory_limit: str = opt("2GB", N_(
        "Memory the engine may use, e.g. 512MB or 4GB; beyond it, it spills to temp_directory."))
    temp_directory: str = opt("", N_(
        "Folder the engine spills to (a subfolder is made and removed after the run); empty: the system's "
        "temporary folder."))
    spark_master: str = opt("local[2]", N_(
        "Spark master the spark engine connects to: local[N] (N cores of this machine), spark://host:7077, "
        "yarn ..."))
    spark_conf: dict = opt({}, N_(
        "Spark settings of the session, e.g. \"spark.executor.memory\" = \"4g\"; a session already running "
        "(a notebook's, spark-submit's) is used as it is."))


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
class ExportSettings:
    """What the client lists (clients.csv, clients_<lang>.xlsx) hold beyond the id and the figures."""

    columns: list[str] = opt([], N_(
        "Columns of the data copied into the client lists (a name, a phone number); empty: no personal column "
        "beyond the id."))


@dataclass
class Settings:
    """All settings of a run; `source` is the file they came from (None: defaults)."""

    report: ReportSettings = field(default_factory=ReportSettings)
    data: DataSettings = field(default_factory=DataSettings)
    columns: ColumnSettings = field(default_factory=ColumnSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
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
    "engine": EngineSettings,
    "export": ExportSettings,
}
FREE_SECTIONS = ("labels", "value_labels", "ranges")
