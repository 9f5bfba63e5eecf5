"""Which column plays which role: the one model of it that loading, analysis and rendering all use."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class Roles:
    """Which column plays which role, where each choice came from, and what was left out and why."""

    churn: str | None = None  # None: a behaviour table, segmented without a churn flag
    id: str | None = None
    semantic: dict[str, str] = field(default_factory=dict)
    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    binary: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def features(self) -> list[str]:
        """Return every feature column, in table order of kinds: numeric, binary, categorical."""
        return [*self.numeric, *self.binary, *self.categorical]

    def kind(self, column: str) -> str:
        """Return 'numeric', 'binary' or 'categorical' for a feature column; raise KeyError otherwise."""
        for kind in ("numeric", "binary", "categorical"):
            if column in getattr(self, kind):
                return kind
        raise KeyError(column)

    def role_of(self, column: str) -> str | None:
        """Return the semantic role of `column` (income, age, ...) or None."""
        return next((r for r, c in self.semantic.items() if c == column), None)

    def to_dict(self) -> dict:
        """Return the roles as plain data for the context."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Roles":
        """Return the roles a context holds (its 'roles' part)."""
        return cls(**data)

    def column_roles(self) -> dict[str, str]:
        """Return each column that plays a semantic role, with that role."""
        return {column: role for role, column in self.semantic.items()}
