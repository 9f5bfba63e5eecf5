"""Map columns to roles (id, churn flag, income, numeric and categorical features...) from config, names and types."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from reportgen.config import ColumnSettings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.numbers import parse_numbers
from reportgen.ingest.values import is_missing_text, looks_like_flags
from reportgen.naming import name_matches, normalise_name
from reportgen.roles import Roles

# Semantic roles: the kind of values each must hold, and the names it goes by in English, French and Russian.
SEMANTIC_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "income": ("numeric", ("est_salary", "estimated_salary", "salary", "income", "annual_income", "monthly_income",
                           "revenu", "revenus", "salaire", "revenu_estime", "salaire_estime", "доход", "зарплата",
                           "заработная_плата", "оценочный_доход", "доход_клиента")),
    "balance": ("numeric", ("balance", "account_balance", "solde", "encours", "баланс", "остаток",
                            "остаток_на_счете")),
    "products": ("numeric", ("products", "num_of_products", "numofproducts", "n_products", "nb_produits", "produits",
                             "nombre_produits", "nombre_de_produits", "продукты", "количество_продуктов",
                             "кол_во_продуктов", "число_продуктов")),
    "credit_card": ("binary", ("credit_card", "hascrcard", "has_cr_card", "has_credit_card", "creditcard",
                               "carte_credit", "carte_de_credit", "кредитная_карта", "кредитка")),
    "property": ("numeric", ("equity", "property", "property_score", "patrimoine", "score_patrimoine",
                             "собственность", "баллы_собственности", "имущество", "оценка_собственности")),
    "activity": ("binary", ("last_activity", "is_active", "isactivemember", "is_active_member", "active", "activity",
                            "actif", "activite", "derniere_activite", "активность", "активный", "последняя_активность")),
    "age": ("numeric", ("age", "age_client", "возраст")),
    "gender": ("categorical", ("gender", "sex", "sexe", "genre", "пол")),
    "region": ("categorical", ("city", "region", "geography", "country", "branch", "ville", "agence", "pays",
                               "город", "регион", "филиал", "страна", "область")),
    "score": ("numeric", ("score", "credit_score", "creditscore", "score_credit", "scoring", "кредитный_рейтинг",
                          "скоринг", "скоринговый_балл", "кредитный_скоринг")),
    "tenure": ("numeric", ("tenure", "seniority", "anciennete", "стаж", "срок_обслуживания", "срок_жизни")),
    # Behaviour tables (card usage, a shop's clients): matched after the roles above, so that a bank
    # table's columns keep the roles they had.
    "spending_score": ("numeric", ("spending_score", "spend_score", "spending_index", "score_de_depenses",
                                   "score_depenses", "indice_de_depenses", "score_d_achat", "оценка_расходов",
                                   "балл_расходов", "индекс_расходов", "рейтинг_расходов", "балл_трат")),
    "purchases": ("numeric", ("purchases", "purchase_amount", "purchases_amount", "total_purchases",
                              "total_spend", "achats", "montant_achats", "montant_des_achats", "total_achats",
                              "покупки", "сумма_покупок", "объем_покупок")),
    "cash_advance": ("numeric", ("cash_advance", "cash_advances", "cash_withdrawals", "cash_withdrawal",
                                 "avance_de_tresorerie", "avances_de_tresorerie", "retraits_especes",
                                 "retraits_d_especes", "снятие_наличных", "снятия_наличных", "выдача_наличных")),
    "credit_limit": ("numeric", ("credit_limit", "card_limit", "credit_line", "plafond", "plafond_de_credit",
                                 "limite_de_credit", "plafond_carte", "кредитный_лимит", "лимит",
                                 "лимит_по_карте", "лимит_кредита")),
    "payments": ("numeric", ("payments", "total_payments", "payment_amount", "paiements", "remboursements",
                             "montant_rembourse", "платежи", "сумма_платежей", "погашения")),
    "purchase_frequency": ("numeric", ("purchase_frequency", "purchases_frequency", "frequency_of_purchases",
                                       "frequence_d_achat", "frequence_achats", "frequence_des_achats",
                                       "частота_покупок")),
    # What a client is worth, for the value at risk: only where the config names it ([columns] value).
    "value": ("numeric", ()),
}
ID_NAMES = ("id", "userid", "user_id", "client_id", "clientid", "customer_id", "customerid", "cust_id", "id_client", "idclient",
            "client", "customer", "num_client", "numero_client", "no_client", "клиент", "id_клиента", "код_клиента",
            "номер_клиента", "клиент_id", "ид", "идентификатор", "идентификатор_клиента")
CHURN_NAMES = ("churn", "churned", "exited", "attrition", "attrited", "left", "is_churn", "churn_flag", "churn_label",
               "attrition_flag", "desabonnement", "resiliation", "depart", "parti", "отток", "ушел", "уход",
               "отток_клиента", "ушел_из_банка")

# A text column with more distinct values than this is a name or free text, not a category.
MAX_LEVELS = 30
# Share of cells that must read as numbers for an unmapped column to count as numeric; the text in
# such a column is then reported as an error (or tolerated by data.max_unparsed_share), never a reason
# to drop the column silently.
NUMERIC_SHARE = 0.5


# A unit or scale written after a column's name: 'Annual Income (k$)', 'Spending Score (1-100)', 'доход [руб]'.
_UNIT = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _matches(name: str, synonyms: tuple[str, ...]) -> bool:
    """Return True when the folded `name`, with or without a trailing unit, is one of `synonyms`."""
    bare = _UNIT.sub("", str(name))
    return name_matches(name, synonyms) or (bool(bare) and bare != name and name_matches(bare, synonyms))


def id_columns(names: list[str], columns: ColumnSettings) -> list[str]:
    """Return the columns that may hold ids (configured, or named like one): they are read as text."""
    found = [n for n in names if _matches(n, ID_NAMES)]
    return ([columns.id] if columns.id else []) + found


def churn_column(present: list[str], columns: ColumnSettings) -> str | None:
    """Return the churn column the config names or the table's names show, or None when there is none."""
    return (columns.churn or _find(present, CHURN_NAMES, set(columns.ignore))
            or _find_by_token(present, CHURN_NAMES, set(columns.ignore)))


def detect_roles(frame: pd.DataFrame, columns: ColumnSettings, path: str, with_churn: bool = True) -> Roles:
    """Return the roles of the frame's columns: config first, then names, then value types.

    Without `with_churn` (a behaviour table) no churn role is given: a churn column found is left out.
    Raise DataError when a configured column is absent, or, `with_churn`, when no churn column can be found.
    """
    present = list(frame.columns)
    configured = _configured(columns)
    missing = sorted({c for cols in configured.values() for c in cols if c not in present})
    if missing:
        raise DataError(
            _("Columns named in the config are not in the data: {names}.").format(names=", ".join(missing)),
            hint=_("Fix the [columns] section; the file has: {present}.").format(present=", ".join(present)),
            location=Location(file=path, column=missing[0]),
        )
    sources: dict[str, str] = {}
    taken: set[str] = set(columns.ignore)
    ignored = {c: "ignored_by_config" for c in columns.ignore}

    def take(column: str | None, source: str) -> str | None:
        if column:
            taken.add(column)
            sources[column] = source
        return column

    churn = take(columns.churn, "config") or take(_find(present, CHURN_NAMES, taken), "name")
    if churn is None:
        churn = take(_find_by_token(present, CHURN_NAMES, taken), "name")
    if churn is not None and not with_churn:
        # clustering on the flag would split leavers from stayers, not describe behaviour
        ignored[churn] = "churn_not_used"
        sources.pop(churn, None)
        churn = None
    elif churn is None and with_churn:
        raise DataError(
            _("No churn column found."),
            hint=_("Name it in the config ([columns] churn = \"...\"); the file has: {present}. "
                   "Recognised names include churn, exited, attrition, отток.").format(present=", ".join(present)),
            location=Location(file=path),
        )
    id_col = take(columns.id, "config") or take(_find(present, ID_NAMES, taken), "name")

    roles = Roles(churn=churn, id=id_col, ignored=ignored, sources=sources)
    kinds: dict[str, str] = {}
    for role, (kind, names) in SEMANTIC_ROLES.items():
        column = getattr(columns, role)
        if column:
            take(column, "config")
        else:
            column = _find(present, names, taken)
            if column is None or _infer_kind(frame[column]) not in _compatible(kind):
                continue
            take(column, "name")
        roles.semantic[role] = column
        kinds[column] = kind
    for kind in ("numeric", "categorical", "binary"):
        for column in getattr(columns, kind):
            take(column, "config")
            kinds[column] = kind
    for column in present:
        if column in taken:
            continue
        kind = _infer_kind(frame[column])
        if kind in ("numeric", "categorical", "binary"):
            take(column, "type")
            kinds[column] = kind
        else:
            ignored[column] = kind
    for column in present:  # keep the table's order within each kind
        kind = kinds.get(column)
        if kind:
            getattr(roles, kind).append(column)
    return roles


def _configured(columns: ColumnSettings) -> dict[str, list[str]]:
    """Return every column the config names, keyed by setting."""
    named = {}
    for f in dataclasses.fields(columns):
        value = getattr(columns, f.name)
        values = value if isinstance(value, list) else ([value] if value else [])
        if values:
            named[f.name] = values
    return named


def _find(present: list[str], synonyms: tuple[str, ...], taken: set[str]) -> str | None:
    """Return the first free column whose name is one of `synonyms`."""
    return next((c for c in present if c not in taken and _matches(c, synonyms)), None)


def _find_by_token(present: list[str], synonyms: tuple[str, ...], taken: set[str]) -> str | None:
    """Return the first free column with a synonym as one word of its name ('churn_2026q3')."""
    for column in present:
        if column in taken:
            continue
        words = set(normalise_name(column).split("_"))
        if words & set(synonyms):
            return column
    return None


def _compatible(kind: str) -> tuple[str, ...]:
    """Return the inferred kinds a semantic role of `kind` accepts (a 0/1 column can count as numeric)."""
    return {"numeric": ("numeric", "binary"), "binary": ("binary",), "categorical": ("categorical", "binary")}[kind]


# Rows looked at to guess a column's kind; the full column is parsed (and checked) afterwards.
KIND_SAMPLE = 20_000


_ID_WORDS = {"id", "no", "num", "number", "code", "key", "ref", "numero", "номер", "код", "ид"}


def _looks_like_identifier(name: str, values: pd.Series, population: int) -> bool:
    """Return True for unique whole numbers named like an id, or numbering rows densely (1, 2, 3...)."""
    if len(values) <= 50 or not values.is_unique or not (values == values.round()).all():
        return False
    named = bool(set(normalise_name(name).split("_")) & _ID_WORDS)
    dense = values.max() - values.min() + 1 <= 2 * population
    return named or dense


def _infer_kind(series: pd.Series) -> str:
    """Return 'binary', 'numeric', 'categorical', or the reason id a column is left out."""
    population = len(series)
    if len(series) > KIND_SAMPLE:
        # positions drawn without a permutation of the whole column (pandas' sample costs 0.4 s on 10 million)
        series = series.iloc[np.sort(np.random.default_rng(0).choice(population, KIND_SAMPLE, replace=False))]
    missing = is_missing_text(series)
    present = series[~missing]
    if present.empty:
        return "empty_column"
    if looks_like_flags(present):
        return "binary"
    # the same reading as the loader's: a cell is a number when it reads as one with the decimal mark its
    # column's cells prove; a column whose cells prove both marks still counts as numeric (each cell
    # reads one way), so that the loader names the conflict instead of the column being left out
    parsed = parse_numbers(present)
    if (~parsed.failed).mean() >= NUMERIC_SHARE:
        if _looks_like_identifier(str(series.name), parsed.values.dropna(), population):
            return "looks_like_an_identifier"
        return "numeric"
    levels = present.astype("string").str.strip().nunique()
    if levels <= MAX_LEVELS and levels < max(2, 0.5 * len(present)):
        return "categorical"
    return "too_many_levels"
