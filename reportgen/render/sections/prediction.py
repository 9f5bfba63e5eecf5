"""The churn model: its precision with the definition beside it and how it was built (in the story), its metrics,
gains and calibration charts (in the appendix), and the key factors with the direction of their effect."""

from __future__ import annotations

from reportgen.render.pptx_charts import percent_axis_format
from reportgen.render.pptx_xy import xy_chart
from reportgen.render.sections.base import Section
from reportgen.render.sentences import capitalised
from reportgen.render.slides import Item, content_area

MAX_FACTORS = 8


class PredictiveModel(Section):
    """Churn prediction: precision at the contact capacity with its definition, method, out-of-time check."""

    def applies(self, ctx: dict) -> bool:
        """Return True when the model ran (or says why it could not)."""
        return bool(ctx.get("prediction"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        # one line with the key factors that follow: the agenda stays within one slide
        return w._("Churn prediction and its key factors") if w.prediction else None

    def bridge(self, w) -> str:
        """Return the lead into the model."""
        return w._("Next: whom the model would have us call first, and how often it is right.") if w.prediction \
            else w._("Next: why this report has no churn prediction.")

    def slides(self, deck) -> None:
        """Add the model's precision, method and checks on one slide (or why there is no model)."""
        w = deck.w
        if not w.prediction:
            deck.list_slides(deck._("Churn prediction"), [Item(self.notice(deck))],
                             deck._("Why this report has no churn prediction."))
            return
        items = [Item(w.precision_headline(), bold=True), Item(w.precision_definition()), Item(w.method_line())]
        for line in (w.out_of_time_line(), w.excluded_line()):
            if line:
                items.append(Item(line))
        deck.list_slides(deck._("Churn prediction model"), items, deck.talk(deck._(
            "The precision is the share of clients who actually left among those the model would have us call "
            "first, as many as the contact capacity allows; every figure comes from clients the model was not "
            "trained on. The risk of a client who has already left says how much they look like leavers."),
            deck.bridge_after(self)))

    def notice(self, deck) -> str:
        """Return why the model could not run."""
        p = deck.ctx["prediction"]
        if p.get("reason") == "too_few_churned":
            return deck._("Too few clients left (or stayed) to train and check a model: at least {n} of each are "
                          "needed.").format(n=deck.fmt.number(p.get("needed")))
        return deck._("No column can be used to predict churn.")


class ModelQuality(Section):
    """In the appendix: the model's metrics beside the baseline's, and its gains and calibration charts."""

    def applies(self, ctx: dict) -> bool:
        """Return True when the model ran."""
        return (ctx.get("prediction") or {}).get("status") == "ok"

    def bridge(self, w) -> str:
        """Return the lead into the model's metrics."""
        return w._("Next: how good the churn model is, in detail.")

    def slides(self, deck) -> None:
        """Add the metrics table, and the gains and calibration charts."""
        w = deck.w
        header = [deck._("Metric"), capitalised(w.model_name(w.prediction["model"])),
                  capitalised(self.baseline_name(deck)), deck._("What it means")]
        deck.table_slides(deck._("How good the model is"), [header] + [[capitalised(cell) for cell in row] for row in w.metric_rows()], [0.2, 0.14, 0.14, 0.52],
                          deck._("Both models were scored on the same five folds, each client by a model that did "
                                 "not see them; the one with the higher PR-AUC is used."))
        self.charts_slide(deck)

    def baseline_name(self, deck) -> str:
        """Return the column title of the model that was not chosen."""
        p = deck.w.prediction
        other = next(c["model"] for c in p["candidates"] if c["model"] != p["model"])
        return deck.w.model_name(other)

    def charts_slide(self, deck) -> None:
        """Add the cumulative-gains and calibration charts side by side."""
        m = deck.w.prediction["metrics"]
        slide = deck.slide("title_only", deck._("Gains and calibration"), deck._(
            "Left: calling clients riskiest first, the share of all leavers reached as more clients are called; "
            "the dashed line is calling at random. Right: each tenth of the clients by predicted risk, the risk "
            "predicted against the share who left; on the dashed line, risks are exactly right."))
        x, y, cx, cy = content_area(deck.prs, slide)
        half = int(cx * 0.49)
        gains = [(p["contacted"], p["found"]) for p in m["gains"]]
        percent = percent_axis_format(deck.fmt.percent(0.5, 0))
        # legends and axis titles start with a capital, as every other chart's do
        names = [capitalised(text) for text in (
            deck._("model"), deck._("at random"), deck._("tenths of clients"), deck._("perfect calibration"),
            deck._("clients called, riskiest first"), deck._("leavers reached"), deck._("predicted risk"),
            deck._("share who left"))]
        xy_chart(slide, (x, y, half, cy), [(names[0], gains, False), (names[1], [(0.0, 0.0), (1.0, 1.0)], True)],
                 (names[4], names[5]), deck.palette, percent_format=percent)
        bins = [(b["predicted"], b["observed"]) for b in m["calibration"]]
        xy_chart(slide, (x + cx - half, y, half, cy),
                 [(names[2], bins, False), (names[3], [(0.0, 0.0), (1.0, 1.0)], True)],
                 (names[6], names[7]), deck.palette, markers=True, percent_format=percent)


class KeyFactors(Section):
    """The features the model leans on most, and which way each moves the risk."""

    def applies(self, ctx: dict) -> bool:
        """Return True when the model ran and measured its factors."""
        return bool((ctx.get("prediction") or {}).get("key_factors"))

    def agenda(self, w) -> str | None:
        """Return None: the model's agenda line names the key factors."""
        return None

    def bridge(self, w) -> str:
        """Return the lead into the key factors."""
        return w._("Next: what the model leans on most.")

    def slides(self, deck) -> None:
        """Add the key factors table: feature, effect in words, importance."""
        info = deck.ctx["prediction"]["key_factors"]
        factors = [f for f in info["importance"] if f["importance"] > 0][:MAX_FACTORS]
        rows = [[deck._("Factor"), deck._("Effect on the risk of leaving"), deck._("Importance")]]
        rows += [[deck.w.feature_title(f["feature"]), deck.w.factor_effect(f), deck.fmt.number(f["importance"], 3)]
                 for f in factors]
        notes = deck._(
            "Importance is how much the model's ROC-AUC drops when the factor is shuffled among {n} clients it "
            "did not see ({repeats} shuffles); the effect is read from the model's average prediction as the "
            "factor changes, the other features held as they are. These are associations the model uses, not "
            "proven causes.").format(n=deck.fmt.number(info["sample"]), repeats=info["repeats"])
        notes = deck.talk(notes, deck.bridge_after(self))
        deck.table_slides(deck._("Key factors of churn"), rows, [0.26, 0.56, 0.18], notes)
