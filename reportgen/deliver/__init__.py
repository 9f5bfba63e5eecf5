"""Delivery of a build: `send_summaries` e-mails each language's PDF summary to its recipients, once."""

from __future__ import annotations

from reportgen.deliver.email import PartialDeliveryError, send_summaries

__all__ = ["PartialDeliveryError", "send_summaries"]
