"""The exception family: one base class, an exit code each, one handler in the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose; `exit_code` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = problems or []

    def details(self) -> list[str]:
        """Return the lines shown under the message: one per problem found."""
        return [f"- {p}" for p in self.problems]

    def __reduce__(self):
        """Return how to pickle the error with its hint and details (it crosses process boundaries)."""
        return (_restore, (self.__class__, self.args, self.__dict__))


def _restore(cls, args, state):
    """Return an error rebuilt from its class, arguments and attributes."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class UserError(ReportgenError):
    """A mistake in the user's input, configuration or command line (exit code 2)."""

    exit_code = 2


@dataclass
class Location:
    """Where in a data file a problem was found: file, column and first offending rows."""

    file: str | None = None
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    total: int | None = None


class DataError(UserError):
    """A data file that cannot be used as it is: names file, column, rows and the fix."""

    def __init__(self, message: str, *, hint: str | None = None, location: Location | None = None) -> None:
        super().__init__(message, hint=hint)
        self.location = location or Location()

    def details(self) -> list[str]:
        """Return the file/column/rows/values lines, translated."""
        from reportgen.i18n.ui import _, ngettext

        loc = self.location
        lines = []
        if loc.file:
            lines.append(_("file: {file}").format(file=loc.file))
        if loc.column:
            lines.append(_("column: {column}").format(column=loc.column))
        if loc.rows:
            shown = ", ".join(str(r) for r in loc.rows[:10])
            total = loc.total if loc.total is not None else len(loc.rows)
            lines.append(
                ngettext("row: {rows}", "rows: {rows}", total).format(rows=shown)
                + (_(" … and {more} more").format(more=total - min(len(loc.rows), 10)) if total > 10 else "")
            )
        if loc.values:
            lines.append(_("values: {values}").format(values=", ".join(repr(v) for v in loc.values[:10])))
        return lines


class ConfigError(UserError):
    """A configuration file or option that cannot be used; lists every problem at once."""


class TemplateError(UserError):
    """A deck or HTML template that lacks what the report needs, or fails to render."""


class DeliveryError(ReportgenError):
    """E-mail could not be delivered: unreachable server, refused login or recipient (exit 3)."""

    exit_code = 3
