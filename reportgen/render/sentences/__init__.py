"""The sentences of each report section, as mixins of Wording; shared labels and formatting stay in Wording."""
