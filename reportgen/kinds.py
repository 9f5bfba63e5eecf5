"""Input kinds: each is a loader (a raw table -> a typed Dataset), an analysis (a Dataset -> its context)
and a bundled playbook; its report's sections are listed under the same name in
reportgen.render.sections.REPORTS. A new kind is one entry here, its modules, and one entry there.

Functions are named as 'module:function' and imported when used, so that naming a kind imports nothing
heavy (the renderers may read this registry without pandas).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


def _resolve(target: str) -> Callable:
    """Return the function a 'module:function' string names."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Kind:
    """What an input kind is made of."""

    loader: str  # (RawTable, Settings) -> Dataset
    analyser: str  # (Dataset, Settings, Reporter, period, previous) -> context
    playbook: str  # the bundled playbook, under templates/

    def load(self) -> Callable:
        """Return the loader function."""
        return _resolve(self.loader)

    def analysis(self) -> Callable:
        """Return the analysis function."""
        return _resolve(self.analyser)


KINDS: dict[str, Kind] = {
    "customers": Kind("reportgen.ingest.customers:build_customers", "reportgen.customers_run:analyse_customer_table",
                      "playbook.toml"),
    "behaviour": Kind("reportgen.ingest.behaviour:build_behaviour", "reportgen.behaviour_run:analyse_behaviour_table",
                      "playbook_behaviour.toml"),
    "transactions": Kind("reportgen.transactions_run:load_log_table", "reportgen.transactions_run:analyse_transactions",
                         "playbook_transactions.toml"),
}
