"""Where a context came from (meta), which column plays which role, and the data-quality summary."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reportgen.contract.base import Number, Part


class Source(Part):
    """The data file as read."""

    path: str
    format: Literal["csv", "xlsx", "parquet"]
    encoding: str | None
    separator: str | None


class Meta(Part):
    """What the report is about: period, data file, input kind, organisation."""

    period: str = Field(description="Quarter reported on, e.g. 2026-Q3.")
    dataset: str = Field(description="Absolute path of the data file.")
    kind: str = Field(description="Input kind: customers (a table with a churn flag), later behaviour, transactions.")
    source: Source
    rows_read: int
    rows_used: int
    organisation: str
    title: str
    currency: str = Field(description="ISO 4217 code of the money columns.")
    config: str | None = Field(description="The config file used, if any.")
    reportgen_version: str


class Roles(Part):
    """Which column plays which role, where each choice came from, and what was left out and why."""

    churn: str | None
    id: str | None
    semantic: dict[str, str] = Field(description="Semantic role (income, age, region...) -> column.")
    numeric: list[str]
    categorical: list[str]
    binary: list[str]
    ignored: dict[str, str] = Field(description="Column left out -> reason.")
    sources: dict[str, str] = Field(description="Column -> how its role was found: config, name or type.")


class Rows(Part):
    """How many rows, and the first of them (line numbers as in the file)."""

    count: int
    rows: list[int]


class RepeatedIds(Part):
    """Ids found on several differing rows (kept: different clients)."""

    ids: int
    rows: int
    examples: list[str]


class OutOfRange(Part):
    """Values outside a column's plausible range, set to missing."""

    count: int
    low: Number | None
    high: Number | None
    rows: list[int]
    values: list[Number | None]


class NumberFormat(Part):
    """How a column's numbers were written in the file (for columns that were not plain numbers)."""

    decimal: Literal[".", ","]
    grouping: list[str]
    blank: int
    markers: int
    proof: int
    ambiguous: int


class Quality(Part):
    """The data-quality summary: what was found in the data and what was done about it."""

    rows_read: int
    rows_used: int
    columns: int
    skipped_rows: Rows = Field(description="Ragged rows skipped.")
    missing: dict[str, int] = Field(description="Missing values per column.")
    missing_churn: Rows = Field(description="Rows without a churn flag (dropped).")
    duplicate_rows: Rows = Field(description="Exact duplicate rows (dropped).")
    repeated_ids: RepeatedIds
    out_of_range: dict[str, OutOfRange]
    ignored_columns: dict[str, str]
    unparsed: dict[str, int] = Field(description="Cells of a numeric column that were not numbers (read as missing).")
    number_formats: dict[str, NumberFormat]


class ContextHeader(Part):
    """What the context of every input kind starts with: version, time, meta, roles, labels, quality."""

    schema_version: Literal[2] = Field(description="Version of this contract; see reportgen.contract.")
    generated_at: str = Field(description="When the context was computed (ISO 8601, UTC).")
    meta: Meta
    roles: Roles
    labels: dict[str, dict[str, str]] = Field(description="Column labels per language from the config.")
    value_labels: dict[str, dict[str, dict[str, str]]] = Field(
        description="Value labels per column and language from the config.")
    quality: Quality
