"""The opening of a transaction log's report: title, executive summary and key figures, context and objectives,
data and cleaning, and the method in four steps."""

from __future__ import annotations

from pathlib import Path

from reportgen.i18n.labels import LOG_RULE_LABELS
from reportgen.render.behaviour_charts import to_png
from reportgen.render.pptx_charts import line_chart
from reportgen.render.sections.base import Section
from reportgen.render.sections.behaviour_opening import add_picture
from reportgen.render.sections.opening import Objectives, Title
from reportgen.render.sentences import single_stop
from reportgen.render.slides import Item, content_area, text_box


def figure_slide(deck, title: str, notes: str, figure, caption: str) -> None:
    """Add a slide holding one matplotlib figure under its title, with what it means written beneath it."""
    slide = deck.slide("title_only", title, notes)
    x, y, cx, cy = content_area(deck.prs, slide)
    band = int(cy * 0.16)
    add_picture(slide, (x, y, cx, cy - band), to_png(figure))
    text_box(slide, (x, y + cy - band, cx, band), [(caption, 13, False, deck.palette["muted"])])


class TxTitle(Title):
    """The title slide of a transaction log's report."""

    def notes(self, deck) -> str:
        """Return the title slide's speaker notes."""
        return single_stop(deck._("Client value and segments from the transaction log, for {period}.").format(
            period=deck.fmt.period(deck.ctx["meta"]["period"])))


class TxSummary(Section):
    """The executive summary: the findings, then the key figures; in the PDF, the opening block."""

    template = "sections/headline.html"
    summary_rank = 10

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Executive summary")

    def slides(self, deck) -> None:
        """Add the findings and the key-figure cards."""
        w = deck.w
        deck.list_slides(deck._("Executive summary"), [Item(f) for f in w.transactions_findings()],
                         deck._("What this report finds, in a few sentences; the figures behind each follow."))
        slide = deck.slide("title_only", deck._("Key figures"), w.transactions_headline())
        cards(deck, slide, [(k["value"], k["label"], k["note"]) for k in w.transactions_kpis()])


def cards(deck, slide, items: list[tuple[str, str, str]]) -> None:
    """Add up to four key-figure cards under the title (figure, label, note); the second in the accent colour.

    The figures are smaller than the three cards of the other reports': four money and count figures must
    each hold on one line.
    """
    x, y, cx, cy = content_area(deck.prs, slide)
    gap = int(cx * 0.03)
    width = int((cx - (len(items) - 1) * gap) / len(items))
    for index, (big, label, note) in enumerate(items):
        paragraphs = [(big, 40, True, deck.palette["accent"] if index == 1 else deck.palette["primary"]),
                      (label, 18, False, deck.palette["text"])]
        if note:
            paragraphs.append((note, 14, False, deck.palette["muted"]))
        text_box(slide, (x + index * (width + gap), y + int(cy * 0.15), width, int(cy * 0.6)), paragraphs)


class TxObjectives(Objectives):
    """Context and objectives of a transaction log's report."""

    def objectives(self, deck) -> list[str]:
        """Return the objectives, one line each."""
        period = deck.fmt.period(deck.ctx["meta"]["period"])
        return [single_stop(deck._("Client review from the purchase log: {period}.").format(period=period)),
                deck._("Know the clients by what they bought: how recently, how often and how much (RFM)."),
                deck._("See which clients bring the revenue, and which have stopped buying."),
                deck._("Estimate what each client is likely to be worth over the coming months."),
                deck._("Give each group of clients a strategy, and a measure of whether it worked.")]

    def notes(self, deck) -> str:
        """Return the slide's speaker notes."""
        return deck._("Why we look at the purchase log and what the report answers.")


class TxData(Section):
    """Where the figures come from: the log, its cleaning, the analysis date; revenue by month."""

    def slides(self, deck) -> None:
        """Add the data slide, the cleaning table and revenue by month."""
        w, log = deck.w, deck.ctx["log"]
        cleaning, n = log["cleaning"], deck.fmt.number
        missing = next((r for r in cleaning["rules"] if r["rule"] == "missing_client"), None)
        items = [
            Item(deck._("Source: {file}").format(file=Path(deck.ctx["meta"]["dataset"]).name)),
            Item(deck._("Lines read: {read}; lines used: {used} ({revenue} of revenue)").format(
                read=n(cleaning["lines_read"]), used=n(cleaning["lines_used"]),
                revenue=deck.fmt.money(cleaning["revenue_used"]))),
            Item(deck._("Lines without a client id: {lines}, {share} of the revenue, left out of the per-client "
                        "figures").format(lines=n(missing["lines"] if missing else 0),
                                          share=deck.fmt.percent(cleaning["missing_client_revenue_share"] or 0))),
            Item(deck._("Purchases from {first} to {last}").format(first=deck.fmt.date(log["first_date"]),
                                                                   last=deck.fmt.date(log["last_date"]))),
            Item(w.as_of_line()),
            Item(deck._("Clients: {clients}; a day's purchases by one client count as one purchase").format(
                clients=n(deck.ctx["overview"]["clients"]))),
        ]
        deck.list_slides(deck._("Data and cleaning"), items, deck._(
            "Where the figures come from: the log as read, what the cleaning removed, and the date every "
            "recency is measured at."))
        rows = [[deck._("Cleaning rule"), deck._("Lines"), deck._("Revenue"), deck._("Done")]]
        for rule in self.rules(deck.ctx):
            rows.append([deck.w.tr(LOG_RULE_LABELS[rule["rule"]]).capitalize(), n(rule["lines"]),
                         deck.fmt.money(rule["revenue"]), w.rule_action(rule["action"])])
        if len(rows) == 1:
            rows.append([deck._("No line was caught by a cleaning rule"), "0", deck.fmt.money(0), ""])
        deck.table_slides(deck._("Cleaning rules"), rows, [0.46, 0.14, 0.2, 0.2], deck._(
            "Each rule with the lines it caught and their revenue; cancelled invoices and returns have negative "
            "amounts."))
        months = log["by_month"]
        if len(months) > 1:
            slide = deck.slide("title_only", deck._("Revenue by month"), deck._(
                "Revenue of the cleaned lines, month by month, up to the analysis date."))
            chart = line_chart(slide, content_area(deck.prs, slide),
                               [deck.fmt.date(m["month"] + "-01", "LLL y") for m in months],
                               {deck._("revenue"): [m["revenue"] for m in months]},
                               lambda v: deck.fmt.money(v, compact=True), deck.palette)
            chart.has_title = False  # the slide's title says it

    @staticmethod
    def rules(ctx: dict) -> list[dict]:
        """Return the cleaning rules that caught lines (every rule's counts are in the context)."""
        return [r for r in ctx["log"]["cleaning"]["rules"] if r["lines"] and r["rule"] in LOG_RULE_LABELS]


class RfmMethod(Section):
    """The method in four steps, the quintile scores and the inactivity threshold."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Method: RFM scores, segments, clusters and lifetime value")

    def slides(self, deck) -> None:
        """Add the four steps and the table of score ranges."""
        w = deck.w
        steps = [
            Item(deck._("1. Per client, at the analysis date: recency (days since the last purchase), frequency "
                        "(purchase days) and monetary value (revenue).")),
            Item(deck._("2. Each dimension scored 1 to 5 by quintile (5: most recent, most frequent, highest "
                        "spend); equal values are spread so that the five groups stay the same size.")),
            Item(deck._("3. Eleven named segments from the recency × frequency map, each cell in exactly one "
                        "segment; KMeans clusters on log-scaled R, F and M, named from their profile.")),
            Item(deck._("4. Inactivity and value: {inactivity} {clv}").format(inactivity=w.inactivity_line(),
                                                                             clv=w.clv_definition())),
        ]
        deck.list_slides(deck._("Method in four steps"), steps, deck._(
            "How the clients were scored, grouped and valued; the parameters are in the appendix."))
        scores = deck.ctx["rfm"]["scores"]
        rows = [[deck._("Score"), deck._("Recency (days)"), deck._("Frequency (purchase days)"),
                 deck._("Revenue")]]
        for score in range(5, 0, -1):
            row = [str(score)]
            for dimension in ("recency", "frequency", "monetary"):
                entry = next((b for b in scores[dimension]["bins"] if b["score"] == score), None)
                row.append(self.span(deck, dimension, entry))
            rows.append(row)
        deck.table_slides(deck._("Quintile scores"), rows, [0.16, 0.28, 0.28, 0.28], deck._(
            "The values each score covers. A value shared by many clients (one purchase day, often half of a "
            "shop's clients) spans several scores: the clients who are better on the other dimensions get the "
            "higher one."))

    @staticmethod
    def span(deck, dimension: str, entry: dict | None) -> str:
        """Return a score's value range ('12–45'), as money for revenue."""
        if entry is None:
            return "—"
        form = deck.fmt.money if dimension == "monetary" else deck.fmt.smart_number
        low, high = form(entry["min"]), form(entry["max"])
        return low if low == high else f"{low} – {high}"

