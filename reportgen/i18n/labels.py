"""Names of roles, features and common values, for messages and reports (translated where they are shown)."""

from __future__ import annotations

from reportgen.i18n.ui import N_
from reportgen.naming import name_matches

# What each role is used for, in the roles listing of `reportgen check`. A role is a use and can be broader
# than any one column's name: "region" is found from city, country or branch columns alike.
ROLE_LABELS = {
    "id": N_("client id"),
    "churn": N_("churn flag"),
    "income": N_("income"),
    "balance": N_("account balance"),
    "products": N_("number of products"),
    "credit_card": N_("credit card"),
    "property": N_("property score"),
    "activity": N_("active last month"),
    "age": N_("age"),
    "gender": N_("gender"),
    "region": N_("city or region"),
    "score": N_("credit score"),
    "tenure": N_("tenure"),
    "spending_score": N_("spending score"),
    "purchases": N_("purchases"),
    "cash_advance": N_("cash advance"),
    "credit_limit": N_("credit limit"),
    "payments": N_("payments"),
    "purchase_frequency": N_("purchase frequency"),
    "value": N_("client value"),
}

# The roles of a transaction log's columns (the client id is ROLE_LABELS["id"])
LOG_ROLE_LABELS = {
    "date": N_("date"),
    "amount": N_("amount"),
    "quantity": N_("quantity"),
    "price": N_("unit price"),
    "invoice": N_("invoice number"),
    "country": N_("country"),
    "channel": N_("sales channel"),
    "category": N_("product category"),
}

# What each cleaning rule of a transaction log looks for (rule names from ingest.logparse and logsummary)
LOG_RULE_LABELS = {
    "missing_date": N_("lines without a date"), "bad_date": N_("unreadable dates"),
    "missing_amount": N_("lines without an amount"), "bad_amount": N_("unreadable amounts"),
    "bad_quantity": N_("unreadable quantities"), "bad_price": N_("unreadable prices"),
    "cancelled": N_("cancelled invoices"), "returns": N_("returns"), "negative": N_("negative amounts or prices"),
    "zero": N_("zero amounts or prices"), "missing_client": N_("lines without a client id"),
    "too_old": N_("dates before 1990"), "future": N_("dates after today"), "duplicates": N_("exact duplicates"),
    "after_as_of": N_("lines after the analysis date"), "ragged": N_("ragged lines"),
}

# The translated name a report shows for a column, and the column names that mean exactly that (folded as
# naming.normalise_name folds them; matched with or without underscores). A column is shown under one of
# these names only when its own name is in the list: a role says how a column is used, not what it is
# called ("Geography" plays the region role but is no "city"). A few roles name a column by themselves, below.
FEATURE_NAMES: dict[str, tuple[str, ...]] = {
    N_("age"): ("age", "age_client", "client_age", "customer_age", "возраст", "возраст_клиента"),
    N_("gender"): ("gender", "sex", "sexe", "genre", "пол", "пол_клиента"),
    N_("city"): ("city", "ville", "город"),
    N_("region"): ("region", "регион", "область"),
    N_("country"): ("country", "pays", "страна"),
    N_("income"): ("income", "revenu", "revenus", "доход", "доход_клиента"),
    N_("estimated income"): ("est_salary", "estimated_salary", "estimated_income", "revenu_estime",
                             "salaire_estime", "оценочный_доход"),
    N_("salary"): ("salary", "salaire", "зарплата", "заработная_плата"),
    N_("account balance"): ("balance", "account_balance", "solde", "solde_du_compte", "баланс", "остаток",
                            "остаток_на_счете"),
    N_("number of products"): ("products", "num_of_products", "number_of_products", "n_products", "nb_produits",
                               "produits", "nombre_produits", "nombre_de_produits", "продукты",
                               "количество_продуктов", "кол_во_продуктов", "число_продуктов"),
    N_("credit card"): ("credit_card", "has_credit_card", "has_cr_card", "carte_credit", "carte_de_credit",
                        "кредитная_карта", "кредитка"),
    N_("property score"): ("property_score", "score_patrimoine", "балл_собственности", "баллы_собственности",
                           "оценка_собственности"),
    # 'last_activity': a bank's flag of activity in the last month (../shared/data's bank table)
    N_("active last month"): ("active_last_month", "last_activity", "actif_le_mois_dernier", "actif_mois_dernier",
                              "активен_в_прошлом_месяце", "активность_в_прошлом_месяце"),
    N_("credit score"): ("credit_score", "score_credit", "score_de_credit", "кредитный_рейтинг",
                         "кредитный_скоринг", "скоринговый_балл"),
    N_("tenure"): ("tenure", "seniority", "anciennete", "срок_обслуживания"),
    N_("spending score"): ("spending_score", "score_de_depenses", "оценка_расходов"),
    N_("purchases"): ("purchases", "achats", "покупки"),
    N_("cash advance"): ("cash_advance", "cash_advances", "avance_de_tresorerie", "avances_de_tresorerie",
                         "снятие_наличных"),
    N_("credit limit"): ("credit_limit", "plafond_de_credit", "limite_de_credit", "кредитный_лимит"),
    N_("payments"): ("payments", "paiements", "платежи"),
    N_("purchase frequency"): ("purchase_frequency", "purchases_frequency", "frequence_d_achat",
                               "частота_покупок"),
}

# The name a feature is shown under when its column's name is not known but the role detected for it is
# ('score' in a bank table, detected as the credit score by its range): the same words the personas use.
# Not the activity role: 'IsActiveMember' is no 'active last month', and the personas say only 'active'.
ROLE_FEATURES = {
    "property": N_("property score"),
    "score": N_("credit score"),
    "balance": N_("account balance"),
    "products": N_("number of products"),
    "credit_card": N_("credit card"),
}

# Yes/no features whose levels read better as phrases than as 'feature: yes' (keyed by FEATURE_NAMES).
FLAG_PHRASES = {
    N_("credit card"): (N_("with a credit card"), N_("without a credit card")),
    N_("active last month"): (N_("active last month"), N_("not active last month")),
}

# The title of a known feature's churn chart, whole, so that each language can decline the feature
# ("Отток по числу продуктов", « Taux d’attrition selon le nombre de produits »); other features take the
# general "Churn by {feature}" (keyed by FEATURE_NAMES).
CHURN_BY = {
    N_("age"): N_("Churn by age"),
    N_("gender"): N_("Churn by gender"),
    N_("city"): N_("Churn by city"),
    N_("region"): N_("Churn by region"),
    N_("country"): N_("Churn by country"),
    N_("income"): N_("Churn by income"),
    N_("estimated income"): N_("Churn by estimated income"),
    N_("salary"): N_("Churn by salary"),
    N_("account balance"): N_("Churn by account balance"),
    N_("number of products"): N_("Churn by number of products"),
    N_("credit card"): N_("Churn with and without a credit card"),
    N_("property score"): N_("Churn by property score"),
    N_("active last month"): N_("Churn by activity last month"),
    N_("credit score"): N_("Churn by credit score"),
    N_("tenure"): N_("Churn by tenure"),
    N_("spending score"): N_("Churn by spending score"),
    N_("purchases"): N_("Churn by purchases"),
    N_("cash advance"): N_("Churn by cash advances"),
    N_("credit limit"): N_("Churn by credit limit"),
    N_("payments"): N_("Churn by payments"),
    N_("purchase frequency"): N_("Churn by purchase frequency"),
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
    "churn_not_used": N_("a churn flag, which a behaviour segmentation does not use"),
    "not_used_by_log": N_("not used by the summary of a transaction log"),
}


def feature_name(column: str) -> str | None:
    """Return the message id of the name a column is shown under when its own name means it, else None."""
    return next((label for label, names in FEATURE_NAMES.items() if name_matches(column, names)), None)
