"""The context of a transaction log, its first part: how the log was read and cleaned, and its key figures."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reportgen.contract.base import Part


class LogQuality(Part):
    """Lines read and used, and the clients they belong to (the cleaning rules are under log.cleaning)."""

    rows_read: int = Field(description="Lines read from the file.")
    rows_used: int = Field(description="Lines left after cleaning, up to the analysis date.")
    clients: int


class CleaningRule(Part):
    """One cleaning rule: the lines it caught, their revenue and what was done with them."""

    rule: str = Field(description="cancelled, returns, negative, missing_client, duplicates, after_as_of, ...")
    lines: int
    revenue: float
    action: Literal["removed", "error", "kept", "not_checked", "outside"]


class Cleaning(Part):
    """Every cleaning rule, and the lines and revenue read and used."""

    lines_read: int
    revenue_read: float
    lines_used: int
    revenue_used: float
    rules: list[CleaningRule]
    missing_client_revenue_share: float | None = Field(
        description="Revenue of the lines without a client id over the revenue of every valid line.")


class Month(Part):
    """Revenue, active clients and lines of one month ('2010-12')."""

    month: str
    revenue: float
    clients: int
    lines: int


class Gaps(Part):
    """Days between consecutive purchase days of a client: count, mean and quantiles."""

    count: int
    mean: float | None
    quantiles: dict[str, float | None]
    clients_sampled: float = Field(description="Share of the clients whose gaps were measured (1: all).")


class Engine(Part):
    """The engine that read the lines."""

    name: str
    memory_limit: str | None


class Log(Part):
    """How the log was read: its columns, dates, cleaning, revenue by month and purchase rhythm."""

    columns: dict[str, str] = Field(description="Role (client, date, amount, quantity, price, invoice...) -> column.")
    amount_from: Literal["amount", "quantity_x_price"]
    date_format: str | None
    date_order: str = Field(description="How the date layout was decided: typed, iso, config, proof...")
    first_date: str
    last_date: str
    as_of: str = Field(description="The analysis date: recency and the models are measured at it.")
    as_of_reason: Literal["config", "period_end", "last_date"]
    calibration_end: str = Field(description="End of the part of the log the hold-out check fits on.")
    calibration_reason: Literal["config", "default"]
    calibration_clients: int
    cleaning: Cleaning
    by_month: list[Month]
    gaps: Gaps
    engine: Engine
    cutoff: str | None = Field(default=None, description="The churn model's cut-off: the analysis date minus the "
                               "inactivity threshold; null when the model is off or the log starts after it.")


class LogOverview(Part):
    """The log's key figures at the analysis date."""

    clients: int
    revenue: float
    purchase_days: int
    repeat_buyers: int = Field(description="Clients with purchases on more than one day.")
    repeat_share: float | None
    mean_revenue: float | None
    median_recency_days: float
    first_date: str
    last_date: str
    as_of: str
