"""reportgen: quarterly churn and segmentation reports (decks and PDF summaries) from customer tables."""

__version__ = "0.1.0"
