"""Messages and progress on the terminal: quiet, normal or verbose; results on stdout, the rest on stderr."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape

from reportgen.errors import ReportgenError
from reportgen.i18n.ui import _


class Reporter:
    """Print progress, warnings and errors at the chosen verbosity (-1 quiet, 0 normal, 1 verbose)."""

    def __init__(self, verbosity: int = 0, *, err: Console | None = None, out: Console | None = None) -> None:
        self.verbosity = verbosity
        self.err = err or Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = out or Console(highlight=False, soft_wrap=True)

    def result(self, text: str) -> None:
        """Print a result line on stdout (shown even when quiet: it is what the user asked for)."""
        self.out.print(escape(text))

    def info(self, text: str) -> None:
        """Print an informational line unless quiet."""
        if self.verbosity >= 0:
            self.err.print(escape(text))

    def detail(self, text: str) -> None:
        """Print a detail line only when verbose."""
        if self.verbosity >= 1:
            self.err.print("  " + escape(text), style="dim")

    def warn(self, text: str) -> None:
        """Print a warning unless quiet."""
        if self.verbosity >= 0:
            label = _("warning:")
            self.err.print(f"[yellow]{escape(label)}[/] {escape(text)}")

    def error(self, exc: ReportgenError) -> None:
        """Print a user-facing error: message, details (file, column, rows) and the fix."""
        label, fix = _("error:"), _("fix:")
        self.err.print(f"[bold red]{escape(label)}[/] {escape(exc.message)}")
        for line in exc.details():
            self.err.print("  " + escape(line))
        if exc.hint:
            self.err.print(f"  [cyan]{escape(fix)}[/] {escape(exc.hint)}")

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Show `label` while the block runs (a spinner on a terminal), then its duration."""
        start = time.perf_counter()
        if self.verbosity < 0:
            yield
            return
        if self.err.is_terminal:
            with self.err.status(escape(label) + " …"):
                yield
        else:
            yield
        elapsed = time.perf_counter() - start
        seconds = _("{seconds} s").format(seconds=f"{elapsed:.1f}")
        self.err.print(f"[green]✓[/] {escape(label)} [dim]({escape(seconds)})[/]")
