"""The presentation deck (python-pptx): the context told slide by slide, in one language, with speaker notes."""

from __future__ import annotations

from pathlib import Path

from pptx.util import Emu

from reportgen.atomic import atomic_path
from reportgen.render.charts import palette
from reportgen.render.deck_template import body_placeholders, open_template, subtitle_placeholder
from reportgen.render.pptx_charts import bars_with_reference, line_chart
from reportgen.render.slides import (Item, add_table, content_area, fill_list, fit_widths, list_size, set_notes,
                                     set_title, split_items, table_chunks, text_box)
from reportgen.render.wording import Wording

MAX_FACTOR_SLIDES = 6
MIN_SPREAD_PP = 5.0  # a factor whose levels differ by less than this is not worth a chart slide


class DeckBuilder:
    """Build the deck of one context in one language on a template's layouts."""

    def __init__(self, context: dict, lang: str, template: Path | None = None) -> None:
        self.ctx = context
        self.w = Wording(context, lang)
        self._ = self.w._
        self.fmt = self.w.fmt
        self.template = open_template(template)
        self.prs = self.template.prs
        self.palette = palette()

    # --- plumbing ---------------------------------------------------------------------------
    def slide(self, kind: str, title: str, notes: str):
        """Return a new slide of layout `kind` with its title and speaker notes."""
        slide = self.prs.slides.add_slide(self.template.layouts[kind])
        set_title(slide, title)
        set_notes(slide, notes)
        return slide

    def list_slides(self, title: str, items: list[Item], notes: str, kind: str = "content") -> None:
        """Add one or more slides holding `items` as a list, split where they do not fit one."""
        probe = self.prs.slides.add_slide(self.template.layouts[kind])
        box = body_placeholders(probe)[0]
        chunks = [items] if list_size(box, items) else split_items(box, items)
        self._drop_last_slide()
        for number, chunk in enumerate(chunks, start=1):
            suffix = self._("(continued)") if number > 1 else ""
            slide = self.slide(kind, f"{title} {suffix}".strip(), notes)
            target = body_placeholders(slide)[0]
            fill_list(target, chunk, list_size(target, chunk) or 12)
            for extra in body_placeholders(slide)[1:]:
                extra.element.getparent().remove(extra.element)

    def table_slides(self, title: str, rows: list[list[str]], shares: list[float], notes: str,
                     highlight: set[int] | None = None) -> None:
        """Add one or more slides with a table (first row: header) split by measured height."""
        probe = self.prs.slides.add_slide(self.template.layouts["title_only"])
        x, y, cx, cy = content_area(self.prs, probe)
        self._drop_last_slide()
        widths = fit_widths(rows, [int(cx * s) for s in shares])
        chunks = table_chunks(rows, widths, cy)
        for number, chunk in enumerate(chunks, start=1):
            suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
            slide = self.slide("title_only", title + suffix, notes)
            part = [rows[0]] + [rows[i] for i in chunk]
            marks = {pos for pos, i in enumerate(chunk, start=1) if highlight and i in highlight}
            add_table(slide, (x, y, cx, cy), part, widths, self.palette, highlight=marks)

    def _drop_last_slide(self) -> None:
        """Remove the last slide (a probe used to read a layout's geometry)."""
        ids = self.prs.slides._sldIdLst
        last = ids[-1]
        self.prs.part.drop_rel(last.rId)
        ids.remove(last)

    # --- the deck ---------------------------------------------------------------------------
    def build(self):
        """Return the presentation with every slide the context has data for, in the report's order."""
        self.title_slide()
        self.agenda()
        self.objectives()
        self.data_and_method()
        self.key_figures()
        if self.ctx.get("comparison"):
            self.what_changed()
        self.factor_slides()
        self.portrait()
        self.tests()
        if self.w.rule_segments:
            self.segments_overview()
            for segment in self.w.rule_segments:
                self.segment_slide(segment)
        elif self.w.segment_search_notice():
            self.list_slides(self._("Churn-prone segments"), [Item(self.w.segment_search_notice())],
                             self._("Why this report shows no churn-prone segment."))
        if self.w.cluster_segments:
            self.clusters()
        if any(self.ctx.get("action_plan", {}).values()):
            self.action_plan()
        self.next_steps()
        self.appendix()
        return self.prs

    def what_changed(self) -> None:
        """Add what changed since last quarter: the headline changes, then last quarter's segments today."""
        comp = self.ctx["comparison"]
        period = self.fmt.period(comp["previous"]["period"] or "")
        title = self._("What changed since {period}").format(period=period)
        notes = self._("Management asks first what changed. Churn, clients and each factor are compared with "
                       "{period} on the same definitions; differences are tested (Holm-adjusted).").format(
            period=period)
        self.list_slides(title, [Item(line) for line in self.w.comparison_lines()], notes)
        rows = self.w.remeasured_rows()
        if rows:
            header = [self._("Last quarter's segment"), self._("Clients then"), self._("Clients now"),
                      self._("Churn then"), self._("Churn now"), self._("Verdict")]
            self.table_slides(self._("Last quarter's segments today"), [header] + rows,
                              [0.38, 0.1, 0.1, 0.1, 0.1, 0.22], self._(
                                  "The same segment definitions measured on this quarter's clients: where churn "
                                  "fell significantly, the retention actions worked."))

    def title_slide(self) -> None:
        """Add the title slide: title, period, organisation, date."""
        meta = self.ctx["meta"]
        title = meta.get("title") or self._("Client churn and segmentation")
        slide = self.slide("title", title, self._("Quarterly churn report for {period}.").format(
            period=self.fmt.period(meta["period"])))
        sub = subtitle_placeholder(slide)
        if sub is not None:
            lines = [self.fmt.period(meta["period"])]
            if meta.get("organisation"):
                lines.append(meta["organisation"])
            lines.append(self.fmt.date(self.ctx["generated_at"]))
            items = [Item(" · ".join(lines))]
            fill_list(sub, items, list_size(sub, items, bullets=False) or 12, bullets=False)

    def agenda(self) -> None:
        """Add the agenda."""
        items = [self._("Context, data and method"), self._("Key figures"), self._("Who leaves, and is it real?")]
        if self.w.rule_segments:
            items.append(self._("Churn-prone segments and what to do"))
        if self.w.cluster_segments:
            items.append(self._("Behavioural clusters"))
        items += [self._("Action plan and next steps"), self._("Appendix: data quality and method")]
        self.list_slides(self._("Agenda"), [Item(t) for t in items],
                         self._("What this report covers, in the order it is presented."))

    def objectives(self) -> None:
        """Add the context and objectives."""
        period = self.fmt.period(self.ctx["meta"]["period"])
        items = [
            Item(self._("Quarterly review of client churn: {period}.").format(period=period)),
            Item(self._("Measure how many clients left, and which kinds of client leave.")),
            Item(self._("Check with statistical tests which differences are real.")),
            Item(self._("Find the segments most at risk and the actions that can keep them.")),
        ]
        self.list_slides(self._("Context and objectives"), items,
                         self._("Why we look at churn every quarter and what the report answers."))

    def data_and_method(self) -> None:
        """Add the data and method slide."""
        meta, q = self.ctx["meta"], self.ctx["quality"]
        n = self.fmt.number
        items = [
            Item(self._("Source: {file}").format(file=Path(meta["dataset"]).name)),
            Item(self._("Rows read: {read}; rows used: {used}").format(read=n(meta["rows_read"]),
                                                                     used=n(meta["rows_used"]))),
            Item(self._("Cleaning: {missing} missing values kept as missing, {dupes} duplicate rows dropped, "
                        "{ids} repeated ids kept as different clients").format(
                missing=n(sum(q["missing"].values())), dupes=n(q["duplicate_rows"]["count"]),
                ids=n(q["repeated_ids"]["ids"]))),
            Item(self._("Churn rates with 95% Wilson intervals; tests chosen for each kind of data, with Holm's "
                        "correction")),
            Item(self._("Segments: combinations of churn-prone conditions found on half of the clients; their churn "
                        "is measured on the other half, and a segment is kept only if it stays significantly above "
                        "the average there")),
            Item(self._("Clusters: KMeans on scaled features")),
        ]
        self.list_slides(self._("Data and method"), items, self._(
            "Where the figures come from and how they were computed; details are in the appendix."))

    def key_figures(self) -> None:
        """Add the key figures: clients, churn rate with its interval, clients who left."""
        o = self.ctx["overview"]
        low, high = o["churn_rate_ci"]
        slide = self.slide("title_only", self._("Key figures"), self.w.headline())
        x, y, cx, cy = content_area(self.prs, slide)
        gap = Emu(int(cx * 0.04))
        card = int((cx - 2 * gap) / 3)
        cards = [
            (self.fmt.number(o["customers"]), self._("clients analysed"), ""),
            (self.fmt.percent(o["churn_rate"]), self._("churn rate"),
             self.w.interval([low, high])),
            (self.fmt.number(o["churned"]), self._("clients who left"), ""),
        ]
        for index, (big, label, note) in enumerate(cards):
            paragraphs = [(big, 54, True, self.palette["accent"] if index == 1 else self.palette["primary"]),
                          (label, 20, False, self.palette["text"])]
            if note:
                paragraphs.append((note, 16, False, self.palette["muted"]))
            text_box(slide, (x + index * (card + gap), y + Emu(int(cy * 0.15)), card, Emu(int(cy * 0.6))),
                     paragraphs)

    def important_factors(self) -> list[dict]:
        """Return the factors worth a chart: a significant test and levels that differ, widest spread first."""
        significant = {t["feature"] for t in self.ctx["tests"] if t.get("significant")}
        chosen = [f for f in self.ctx["churn_by_factor"]
                  if f["factor"] in significant and f.get("spread_pp", 0) >= MIN_SPREAD_PP and len(f["levels"]) > 1]
        return sorted(chosen, key=lambda f: -f["spread_pp"])[:MAX_FACTOR_SLIDES]

    def factor_slides(self) -> None:
        """Add one native bar chart per important factor, the average drawn as a reference line."""
        overall = self.ctx["overview"]["churn_rate"]
        for factor in self.important_factors():
            top = max(factor["levels"], key=lambda lvl: lvl["churn_rate"] or 0)
            notes = self._("Churn by {feature}: highest for {level} at {rate}, against {overall} on average.").format(
                feature=self.w.feature(factor["factor"]), level=self.w.level(factor, top),
                rate=self.fmt.percent(top["churn_rate"]), overall=self.fmt.percent(overall))
            slide = self.slide("title_only", self._("Churn by {feature}").format(
                feature=self.w.feature(factor["factor"])), notes)
            bars_with_reference(
                slide, content_area(self.prs, slide), [self.w.level(factor, lvl) for lvl in factor["levels"]],
                [lvl["churn_rate"] or 0.0 for lvl in factor["levels"]], overall,
                (self._("churn rate"), self._("average")), [lvl["churn_prone"] for lvl in factor["levels"]],
                self.palette)

    def portrait(self) -> None:
        """Add the portrait of the clients who leave: the levels with the largest lift, as sentences."""
        seen, items = set(), []
        for item in self.ctx.get("churn_prone_intervals", []):
            if item["factor"] in seen:
                continue
            seen.add(item["factor"])
            items.append(Item(self.w.level_finding(item)))
            if len(items) == 6:
                break
        if not items:
            items = [Item(self._("No group of clients leaves clearly more often than the average."))]
        organisation = (self.ctx["meta"].get("organisation") or "").strip()
        if organisation:
            notes = self._("The groups whose churn is significantly above the average, strongest first; each is "
                           "compared with the average across {organisation}.").format(organisation=organisation)
        else:
            notes = self._("The groups whose churn is significantly above the average, strongest first; each is "
                           "compared with the average of all clients.")
        self.list_slides(self._("Portrait of the clients who leave"), items, notes)

    def tests(self) -> None:
        """Add the hypothesis tests as a table: question, method, p-value, effect, conclusion."""
        header = [self._("Question"), self._("Method"), self._("Adjusted p"), self._("Effect"), self._("Conclusion")]
        rows = [header]
        for test in self.ctx["tests"]:
            rows.append([self.w.question(test), self.w.method(test.get("method")),
                         self.fmt.p_value(test.get("p_adjusted")), self.w.effect(test.get("effect_size")),
                         self.w.conclusion(test)])
        notes = self._("Each question is answered with the test that suits the data; p-values are adjusted for "
                       "the number of tests (Holm). Where the t-test and the rank test disagree, the medians tell "
                       "the truth.")
        self.table_slides(self._("Are the differences real?"), rows, [0.24, 0.15, 0.1, 0.14, 0.37], notes)

    def segments_overview(self) -> None:
        """Add the segments overview: a table and a chart of size, churn and lift."""
        segments = self.w.rule_segments
        header = [self._("Segment"), self._("Clients"), self._("Share"), self._("Churn"), self._("Above average")]
        rows = [header] + [[f"{s['id']}. {self.w.segment_name(s)}", self.fmt.number(s["size"]),
                            self.fmt.percent(s["share"]), self.fmt.percent(s["churn_rate"]),
                            self.fmt.points(s["lift_pp"])] for s in segments]
        notes = self._("The segments combine two or three conditions that raise churn; they overlap little, so "
                       "each calls for its own actions. Clients counts every client of a segment; its churn is "
                       "measured on the half of them that the search did not see, so it is not flattered by the "
                       "search.")
        self.table_slides(self._("Churn-prone segments"), rows, [0.52, 0.12, 0.1, 0.1, 0.16], notes)
        slide = self.slide("title_only", self._("Churn in the segments against the average"), notes)
        bars_with_reference(slide, content_area(self.prs, slide), [s["id"] for s in segments],
                            [s["churn_rate"] for s in segments], self.ctx["overview"]["churn_rate"],
                            (self._("churn rate"), self._("average")), [True] * len(segments), self.palette)

    def segment_slide(self, segment: dict) -> None:
        """Add one slide for a segment: its profile and churn on the left, its recommendations on the right."""
        name = self.w.segment_name(segment)
        left = [Item(name, bold=True), Item(self.w.segment_summary(segment))]
        left += [Item(line, level=1) for line in self.w.profile_lines(segment)]
        right = []
        for rec in segment["recommendations"]:
            right.append(Item(self.w.recommendation_title(rec["id"]), bold=True))
            right.append(Item(self.w.recommendation(rec), level=1))
        notes = " ".join([self.w.segment_finding(segment)] + [self.w.recommendation(r) for r in
                                                               segment["recommendations"]])
        title = self._("Segment {id}").format(id=segment["id"])
        probe = self.prs.slides.add_slide(self.template.layouts["two"])
        boxes = body_placeholders(probe)
        left_chunks = [left] if list_size(boxes[0], left) else split_items(boxes[0], left)
        right_chunks = [right] if list_size(boxes[1], right) else split_items(boxes[1], right)
        self._drop_last_slide()
        pages = max(len(left_chunks), len(right_chunks))
        for page in range(pages):
            suffix = f" ({page + 1}/{pages})" if pages > 1 else ""
            slide = self.slide("two", title + suffix, notes)
            boxes = body_placeholders(slide)
            for box, chunks in ((boxes[0], left_chunks), (boxes[1], right_chunks)):
                if page < len(chunks):
                    # one size for a column across its pages, so a continuation does not jump to 20 pt
                    size = min(list_size(box, chunk) or 12 for chunk in chunks)
                    fill_list(box, chunks[page], size)
                else:
                    box.element.getparent().remove(box.element)

    def clusters(self) -> None:
        """Add the KMeans view: clusters with size, churn and what sets them apart; how k was chosen."""
        info = self.ctx["clusters"]
        header = [self._("Cluster"), self._("Clients"), self._("Churn"), self._("What sets it apart")]
        rows = [header]
        hot = set()
        for index, seg in enumerate(self.w.cluster_segments, start=1):
            rows.append([self.w.segment_name(seg), self.fmt.number(seg["size"]), self.fmt.percent(seg["churn_rate"]),
                         "; ".join(self.w.profile_lines(seg, limit=2))])
            if (seg.get("lift_pp") or 0) > 0:
                hot.add(index)
        notes = self._("KMeans groups clients by behaviour without looking at churn; {k} clusters were kept because "
                       "they separate the clients best (silhouette). Highlighted clusters churn above the average."
                       ).format(k=info["k"])
        self.table_slides(self._("Behavioural clusters (KMeans)"), rows, [0.16, 0.12, 0.1, 0.62], notes, hot)
        candidates = [c for c in info["candidates"] if c.get("silhouette") is not None]
        if candidates:
            slide = self.slide("title_only", self._("How many clusters: silhouette and elbow by k"), self._(
                "Left: the silhouette (higher is better) for each number of clusters k; right: the inertia, "
                "whose bend (the elbow) is where more clusters stop paying off. {k} clusters were kept."
            ).format(k=info["k"]))
            x, y, cx, cy = content_area(self.prs, slide)
            half = int(cx * 0.48)
            ks = [str(c["k"]) for c in candidates]
            line_chart(slide, (x, y, half, cy), ks, {self._("silhouette"): [c["silhouette"] for c in candidates]},
                       "0.00", self.palette)
            line_chart(slide, (x + cx - half, y, half, cy), ks,
                       {self._("inertia"): [c["inertia"] for c in candidates]}, "#,##0", self.palette)

    def action_plan(self) -> None:
        """Add the action plan: short, medium and long term, from the segments' recommendations."""
        items = []
        for horizon, actions in self.ctx["action_plan"].items():
            if not actions:
                continue
            items.append(Item(self.w.horizon(horizon), bold=True))
            for action in actions:
                items.append(Item(self._("{action} — segments {segments}").format(
                    action=self.w.recommendation_title(action["id"]), segments=", ".join(action["segments"])),
                    level=1))
        self.list_slides(self._("Action plan"), items, self._(
            "The recommendations of the segments, grouped by when they can be carried out; each names the "
            "segments it serves."))

    def next_steps(self) -> None:
        """Add the next steps."""
        items = [
            Item(self._("Launch this quarter's actions, each with a control group to measure its effect.")),
            Item(self._("Agree owners and budgets for the actions of the next two quarters.")),
            Item(self._("Build next quarter's report with this one as reference, to see what changed.")),
            Item(self._("Send the PDF summaries to the regional managers.")),
        ]
        self.list_slides(self._("Next steps"), items, self._("What to do after this meeting."))

    def appendix(self) -> None:
        """Add the appendix: a section header, data quality, and method details."""
        slide = self.slide("section", self._("Appendix"), self._("Data quality and method details."))
        body = body_placeholders(slide)
        if body:
            items = [Item(self._("Data quality and method details"))]
            fill_list(body[0], items, list_size(body[0], items, bullets=False) or 12, bullets=False)
        q = self.ctx["quality"]
        n = self.fmt.number
        rows = [[self._("Check"), self._("Result")],
                [self._("Rows read / used"), f"{n(q['rows_read'])} / {n(q['rows_used'])}"],
                [self._("Ragged rows skipped"), n(q["skipped_rows"]["count"])],
                [self._("Exact duplicate rows dropped"), n(q["duplicate_rows"]["count"])],
                [self._("Rows without a churn flag"), n(q["missing_churn"]["count"])],
                [self._("Ids on several differing rows (kept)"), n(q["repeated_ids"]["ids"])]]
        for column, count in q["missing"].items():
            if count:
                rows.append([self._("Missing values: {feature}").format(feature=self.w.feature(column)), n(count)])
        for column, info in q["out_of_range"].items():
            rows.append([self._("Implausible values of {feature} (set to missing)").format(
                feature=self.w.feature(column)), n(info["count"])])
        self.table_slides(self._("Data quality"), rows, [0.7, 0.3], self._(
            "What was found in the data and what was done about it."))
        m = self.ctx["method"]
        items = [
            Item(self._("Significance level {alpha}, Holm's correction over every test").format(
                alpha=self.fmt.number(m["alpha"], 2))),
            Item(self._("Churn rates with 95% Wilson intervals")),
            Item(self._("Numeric features: Welch's t-test, Mann–Whitney U test and a bootstrap interval of the median "
                        "difference ({n} resamples)").format(n=n(m["bootstrap_resamples"]))),
            Item(self._("Categorical features: chi-square test, Fisher's exact test for small counts; Cramér's V")),
            Item(self._("Segments: up to {k} conditions, at least {size} clients, overlap (Jaccard) below {overlap}"
                        ).format(k=m["max_conditions"], size=n(m["min_segment_size"]),
                                 overlap=self.fmt.number(m["max_overlap"], 2))),
            *[Item(line) for line in self.w.validation_lines()],
            Item(self._("Clusters: KMeans, k from {low} to {high} chosen by silhouette, seed {seed}").format(
                low=m["clusters_range"][0], high=m["clusters_range"][1], seed=m["random_state"])),
        ]
        self.list_slides(self._("Method details"), items, self._("How every figure in this deck was computed."))


def render_deck(context: dict, lang: str, out: Path, template: Path | None = None) -> Path:
    """Write the deck of `context` in `lang` to `out` (atomically) and return the path."""
    prs = DeckBuilder(context, lang, template).build()
    with atomic_path(out) as tmp:
        prs.save(str(tmp))
    return out
