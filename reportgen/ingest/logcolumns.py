"""Which column of a transaction log plays which role, from [columns], names (en, fr, ru) and the first lines.

A table is a log when it has a client id, a date (or date-time) and an amount, or a quantity and a unit
price, and no churn flag. Only the header and a sample of lines are looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reportgen.config import ColumnSettings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.logdates import GENERIC
from reportgen.ingest.logsample import LogSample
from reportgen.ingest.numbers import parse_numbers
from reportgen.ingest.roles import ID_NAMES, _matches, churn_column
from reportgen.ingest.values import MISSING_TOKENS

# The roles of a log's columns, in the order they are looked for, and the names each goes by.
LOG_NAMES: dict[str, tuple[str, ...]] = {
    "client": ("customerid", "customer_id", "customer", "client_id", "clientid", "client", "id_client",
               "idclient", "cust_id", "user_id", "userid", "member_id", "num_client", "numero_client",
               "no_client", "code_client", "клиент", "id_клиента", "код_клиента", "номер_клиента", "клиент_id",
               "покупатель", "id_покупателя", "код_покупателя"),
    "date": ("invoicedate", "invoice_date", "date", "order_date", "orderdate", "purchase_date",
             "transaction_date", "trans_date", "txn_date", "sale_date", "sales_date", "datetime", "timestamp",
             "date_time", "created_at", "date_achat", "date_d_achat", "date_facture", "date_de_facture",
             "date_commande", "date_de_commande", "date_transaction", "date_vente", "дата", "дата_покупки",
             "дата_чека", "дата_заказа", "дата_продажи", "дата_операции", "дата_транзакции", "дата_время"),
    "invoice": ("invoiceno", "invoice_no", "invoice", "invoice_id", "invoice_number", "order_id", "orderid",
                "order_no", "order_number", "receipt", "receipt_no", "receipt_id", "transaction_id", "facture",
                "no_facture", "numero_facture", "numero_de_facture", "n_facture", "num_facture", "commande",
                "numero_commande", "ticket", "numero_ticket", "номер_чека", "чек", "номер_заказа", "заказ",
                "номер_счета", "id_чека", "номер_документа"),
    "quantity": ("quantity", "qty", "quantite", "qte", "количество", "кол_во", "колво", "cds", "units", "items",
                 "nb_articles", "nombre_d_articles"),
    "price": ("unitprice", "unit_price", "price", "price_each", "prix", "prix_unitaire", "pu", "цена",
              "цена_за_единицу", "цена_единицы"),
    "amount": ("amount", "total", "total_amount", "line_total", "sales", "sale_amount", "revenue", "spend",
               "montant", "montant_total", "montant_ttc", "total_ttc", "chiffre_d_affaires", "сумма",
               "сумма_покупки", "сумма_чека", "итого", "выручка", "стоимость"),
    "country": ("country", "pays", "страна"),
    "channel": ("channel", "sales_channel", "canal", "canal_de_vente", "канал", "канал_продаж"),
    "category": ("category", "product_category", "categorie", "categorie_produit", "категория",
                 "категория_товара"),
}
# Names of a client id a log may use besides those above; a bare 'id' in a log is more often a line's.
_MORE_CLIENT_NAMES = tuple(n for n in ID_NAMES if n not in ("id", "ид", "идентификатор"))
NUMERIC_ROLES = ("amount", "quantity", "price")
OPTIONAL_ROLES = ("invoice", "country", "channel", "category")
# Share of the first lines' values that must read as numbers (or dates) for a column named so to count
VALUE_SHARE = 0.9


@dataclass
class LogColumns:
    """The log's columns by role, where each came from ('config', 'name', 'values'), and the others."""

    roles: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    others: list[str] = field(default_factory=list)

    def get(self, role: str) -> str | None:
        """Return the column of `role`, or None."""
        return self.roles.get(role)

    @property
    def is_log(self) -> bool:
        """Return True when the columns make a log: client, date and an amount (or quantity and price)."""
        r = self.roles
        return "client" in r and "date" in r and ("amount" in r or ("quantity" in r and "price" in r))


def find_log_columns(sample: LogSample, columns: ColumnSettings) -> LogColumns:
    """Return the log roles found in a sample: configured columns first, then names, then values."""
    present = sample.columns
    found = LogColumns()
    taken = set(columns.ignore)
    for role in LOG_NAMES:
        configured = getattr(columns, "id" if role == "client" else role)
        if configured:
            found.roles[role], found.sources[configured] = configured, "config"
            taken.add(configured)
    for role, names in LOG_NAMES.items():
        if role in found.roles:
            continue
        candidates = [c for c in present if c not in taken and _matches(c, names)]
        if role == "client" and not candidates:
            candidates = [c for c in present if c not in taken and _matches(c, _MORE_CLIENT_NAMES)]
        for column in candidates:
            if _fits(sample, column, role):
                found.roles[role], found.sources[column] = column, "name"
                taken.add(column)
                break
    if "date" not in found.roles:
        column = next((c for c in present if c not in taken and _fits(sample, c, "date")
                       and _share_of_dates(sample.rows[c]) >= VALUE_SHARE), None)
        if column:
            found.roles["date"], found.sources[column] = column, "values"
            taken.add(column)
    found.others = [c for c in present if c not in taken]
    return found


def _fits(sample: LogSample, column: str, role: str) -> bool:
    """Return True when the first values of `column` suit `role` (numbers for an amount, dates for a date)."""
    kind = sample.kind_of(column)
    if role == "date":
        return kind in ("date", "timestamp") or (kind == "text" and _share_of_dates(sample.rows[column]) >= 0.5)
    if role in NUMERIC_ROLES:
        if kind == "number":
            return True
        if kind != "text":
            return False
        present = _present(sample.rows[column])
        return present.empty or (~parse_numbers(present).failed).mean() >= VALUE_SHARE
    return kind in ("text", "number")


def _present(values: pd.Series) -> pd.Series:
    """Return the values that are not blank nor a missing marker, as stripped text."""
    text = values.dropna().astype(str).str.strip()
    return text[~text.str.lower().isin(MISSING_TOKENS)]


def _share_of_dates(values: pd.Series) -> float:
    """Return the share of present values written as dates (any layout we read)."""
    from reportgen.ingest.logdates import _iso

    text = _present(values)
    if text.empty:
        return 0.0
    dated = text.str.match(GENERIC) | text.map(lambda v: _iso(v) is not None).astype(bool)
    return float(dated.mean())


def is_log(sample: LogSample, columns: ColumnSettings) -> bool:
    """Return True when a table read as customers is a log: log columns and no churn flag."""
    if churn_column(sample.columns, columns) is not None:
        return False
    return find_log_columns(sample, columns).is_log


def check_log_columns(found: LogColumns, sample: LogSample, columns: ColumnSettings) -> None:
    """Raise DataError for a configured column the file lacks, or a role a log cannot do without."""
    shown, present = str(sample.path), sample.columns
    missing = sorted(c for c, source in found.sources.items() if source == "config" and c not in present)
    if missing:
        raise DataError(
            _("Columns named in the config are not in the data: {names}.").format(names=", ".join(missing)),
            hint=_("Fix the [columns] section; the file has: {present}.").format(present=", ".join(present)),
            location=Location(file=shown, column=missing[0]))
    listed = ", ".join(present)
    if "client" not in found.roles:
        raise DataError(_("No client id column found in the transaction log."), hint=_(
            "Name it in the config ([columns] id = \"...\"); the file has: {present}. Recognised names include "
            "CustomerID, customer_id, client, клиент.").format(present=listed), location=Location(file=shown))
    if "date" not in found.roles:
        raise DataError(_("No date column found in the transaction log."), hint=_(
            "Name it in the config ([columns] date = \"...\"); the file has: {present}. Recognised names include "
            "InvoiceDate, order_date, date, дата.").format(present=listed), location=Location(file=shown))
    if "amount" not in found.roles and not ("quantity" in found.roles and "price" in found.roles):
        raise DataError(_("No amount column found in the transaction log, nor a quantity and a unit price."), hint=_(
            "Name them in the config ([columns] amount = \"...\", or quantity and price); the file has: {present}. "
            "Recognised names include amount, montant, сумма, Quantity, UnitPrice.").format(present=listed),
            location=Location(file=shown))
