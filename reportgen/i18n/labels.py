"""Names of roles, features and common values, for messages and reports (translated where they are shown)."""

from __future__ import annotations

from reportgen.i18n.ui import N_

# Shown for a feature that plays a known role, unless [labels.<lang>] in the config names it.
ROLE_LABELS = {
    "id": N_("client id"),
    "churn": N_("churn flag"),
    "income": N_("estimated income"),
    "balance": N_("account balance"),
    "products": N_("number of products"),
    "credit_card": N_("credit card"),
    "property": N_("property score"),
    "activity": N_("active last month"),
    "age": N_("age"),
    "gender": N_("gender"),
    "region": N_("city"),
    "score": N_("credit score"),
    "tenure": N_("tenure"),
}

# Common spellings of gender values, mapped to a translatable label.
GENDER_VALUES = {
    **dict.fromkeys(["ж", "f", "female", "woman", "women", "femme", "женский", "жен", "w"], N_("women")),
    **dict.fromkeys(["м", "m", "male", "man", "men", "homme", "h", "мужской", "муж"], N_("men")),
}

# Characters that separate thousands in numbers written as text (names from ingest.numbers.GROUPING_NAMES).
GROUPING_LABELS = {
    "space": N_("space"),
    "nbsp": N_("no-break space"),
    "narrow_nbsp": N_("narrow no-break space"),
    "thin_space": N_("thin space"),
    "apostrophe": N_("apostrophe"),
    "point": N_("point"),
    "comma": N_("comma"),
}

# Why an unmapped column was left out (reason ids from ingest.roles).
IGNORED_REASONS = {
    "ignored_by_config": N_("listed under [columns] ignore"),
    "empty_column": N_("no values"),
    "looks_like_an_identifier": N_("every value is different: an identifier?"),
    "too_many_levels": N_("text with too many different values to be a category"),
}
