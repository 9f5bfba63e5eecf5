"""Words of a behaviour segmentation: cluster names from their traits, what sets a cluster apart, key figures."""

from __future__ import annotations

from reportgen.i18n.labels import FLAG_PHRASES
from reportgen.i18n.ui import N_
from reportgen.render.sentences import capitalised

# Why no clusters could be formed (reasons of analysis.clusters), said in the report.
NO_CLUSTERS = {
    "no_usable_feature": N_("No feature varies from one client to another: no clusters could be formed."),
    "too_few_rows": N_("There are too few clients to form clusters."),
    "identical_rows": N_("Every client has the same values: no clusters could be formed."),
    "small_clusters": N_("Every split left a cluster of only a handful of clients: no clusters are reported."),
}

# A trait of a column with a known role, as a phrase each language can make agree (high, low).
TRAIT_PHRASES = {
    "income": (N_("high income"), N_("low income")),
    "spending_score": (N_("high spending score"), N_("low spending score")),
    "age": (N_("older clients"), N_("younger clients")),
    "balance": (N_("high balance"), N_("low balance")),
    "purchases": (N_("large purchases"), N_("small purchases")),
    "cash_advance": (N_("heavy cash advances"), N_("few cash advances")),
    "credit_limit": (N_("high credit limit"), N_("low credit limit")),
    "payments": (N_("high payments"), N_("low payments")),
    "purchase_frequency": (N_("frequent purchases"), N_("infrequent purchases")),
    "products": (N_("many products"), N_("few products")),
    "tenure": (N_("long-standing clients"), N_("recent clients")),
    "score": (N_("high credit score"), N_("low credit score")),
    "property": (N_("high property score"), N_("low property score")),
}


class BehaviourSentences:
    """The words of the behaviour segmentation's sections (a part of Wording)."""

    @property
    def is_behaviour(self) -> bool:
        """Return True for the context of a table without a churn flag."""
        return self.context["meta"].get("kind") == "behaviour"

    def report_title(self) -> str:
        """Return the report's title: the configured one, else the default of the input kind."""
        title = self.context["meta"].get("title")
        if title:
            return title
        return self._("Client segmentation") if self.is_behaviour else self._("Client churn and segmentation")

    # --- cluster names ----------------------------------------------------------------------
    def trait_phrase(self, trait: dict) -> str:
        """Return one trait as a phrase: 'high income', 'mostly women', 'tenure above average'."""
        column, high = trait["feature"], trait["direction"] == "high"
        if trait.get("level") is not None:
            return self._("mostly {level}").format(level=self.value(column, trait["level"]))
        if self.roles.kind(column) == "binary":
            phrases = None if self.custom_label(column) else FLAG_PHRASES.get(self.known_feature(column))
            if phrases:
                phrase = self.tr(phrases[0])
                return (self._("more often {phrase}") if high else self._("less often {phrase}")).format(
                    phrase=phrase)
            return (self._("{feature}: more often than average") if high else
                    self._("{feature}: less often than average")).format(feature=self.feature(column))
        phrases = TRAIT_PHRASES.get(trait.get("role") or "")
        if phrases:
            return self.tr(phrases[0] if high else phrases[1])
        return (self._("{feature} above average") if high else self._("{feature} below average")).format(
            feature=self.feature(column))

    def cluster_name(self, cluster: dict) -> str:
        """Return a cluster's name from its traits ('High income, low spending score'), or 'Average clients'."""
        traits = cluster.get("traits") or []
        name = ", ".join(self.trait_phrase(t) for t in traits) if traits else self._("Average clients")
        name = capitalised(name)
        if not cluster.get("name_unique", True):
            name = self._("{name} ({id})").format(name=name, id=cluster["id"])
        return name

    @property
    def clusters(self) -> list[dict]:
        """Return the behaviour clusters, largest first."""
        return (self.context.get("clusters") or {}).get("groups", [])

    def no_clusters_notice(self) -> str:
        """Return why the report has no cluster."""
        reason = (self.context.get("clusters") or {}).get("reason")
        return self.tr(NO_CLUSTERS.get(reason, NO_CLUSTERS["too_few_rows"]))

    def cluster_size(self, cluster: dict) -> str:
        """Return '45 clients, 22.5% of all clients'."""
        return self.fmt.quantity(cluster["size"], "{n} client, {share} of all clients",
                                 "{n} clients, {share} of all clients", share=self.fmt.percent(cluster["share"]))

    # --- what sets a cluster apart ----------------------------------------------------------
    def trait_line(self, cluster: dict, trait: dict) -> str:
        """Return a trait with its figures as a phrase that can stand inside a sentence: 'age: mean 56 (all
        clients: 39)'; a line that stands alone is capitalised by its caller."""
        column = trait["feature"]
        entry = cluster["profile"]["features"][column]
        base = entry["base"]
        label = self.feature(column)
        if trait.get("level") is not None:
            level = trait["level"]
            return self._("{feature}: {value} {share} (all clients: {base})").format(
                feature=label, value=self.value(column, level), share=self.fmt.percent(entry["shares"].get(level, 0.0)),
                base=self.fmt.percent(base["shares"].get(level, 0.0)))
        if entry["type"] == "binary":
            return self._("{feature}: {value} (all clients: {base})").format(
                feature=label, value=self.fmt.percent(entry["share"]), base=self.fmt.percent(base["share"]))
        stat = self.stat_of(entry)
        return self._("{feature}: {stat} {value} (all clients: {base})").format(
            feature=label, stat=self.stat_label(stat), value=self.number_for(column, entry[stat]),
            base=self.number_for(column, base[stat]))

    def apart_lines(self, cluster: dict, limit: int = 3) -> list[str]:
        """Return what sets a cluster apart, strongest first, or why nothing does."""
        traits = (cluster.get("traits") or [])[:limit]
        if not traits:
            return [self._("close to all clients on every feature")]
        return [self.trait_line(cluster, t) for t in traits]

    @staticmethod
    def stat_of(entry: dict) -> str:
        """Return 'median' for a skewed numeric feature, else 'mean'."""
        return "median" if entry.get("skewed") or entry["base"].get("skewed") else "mean"

    def stat_label(self, stat: str) -> str:
        """Return the translated name of a statistic."""
        return self._("median") if stat == "median" else self._("mean")

    def profile_rows(self, cluster: dict) -> list[list[str]]:
        """Return the cluster's profile table: a row per feature (per level shown), cluster against all clients."""
        rows = []
        for column, entry in cluster["profile"]["features"].items():
            base = entry["base"]
            label = self.feature_title(column)
            if entry["type"] == "numeric":
                stat = self.stat_of(entry)
                rows.append([self._("{feature}, {stat}").format(feature=label, stat=self.stat_label(stat)),
                             self.number_for(column, entry[stat]), self.number_for(column, base[stat])])
            elif entry["type"] == "binary":
                rows.append([label, self.fmt.percent(entry["share"]), self.fmt.percent(base["share"])])
            else:
                for level in list(base.get("shares", {}))[:4]:
                    rows.append([self._("{feature}: {value}").format(feature=label, value=self.value(column, level)),
                                 self.fmt.percent(entry["shares"].get(level, 0.0)), self.fmt.percent(base["shares"][level])])
        return rows

    def cluster_names(self, ids: list[str]) -> str:
        """Return the names of the clusters with these ids, joined."""
        by_id = {c["id"]: c for c in self.clusters}
        return self.listing(self.cluster_name(by_id[i]) for i in ids if i in by_id)

    # --- key figures ------------------------------------------------------------------------
    def behaviour_kpis(self) -> list[dict]:
        """Return the key figures: clients analysed, clusters found, the largest cluster's share."""
        clusters, clients = self.clusters, self.context["overview"]["clients"]
        # each label agrees with the figure above it («6 выделенных кластеров»)
        kpis = [{"value": self.fmt.number(clients),
                 "label": self.fmt.ngettext("client analysed", "clients analysed", clients), "note": ""},
                {"value": self.fmt.number(len(clusters)),
                 "label": self.fmt.ngettext("cluster found", "clusters found", len(clusters)), "note": ""}]
        if clusters:
            kpis.append({"value": self.fmt.percent(clusters[0]["share"]), "label": self._("in the largest cluster"),
                         "note": self.cluster_name(clusters[0])})
        # a card's label stands as a paragraph of its own under the figure
        return [{**kpi, "label": capitalised(kpi["label"])} for kpi in kpis]

    def behaviour_findings(self) -> list[str]:
        """Return the key findings: how the clients split, the largest clusters, the outliers set aside."""
        info = self.context.get("clusters") or {}
        clients = self.context["overview"]["clients"]
        if not self.clusters:
            return [self.fmt.quantity(clients, "{n} client analysed; no clusters could be formed.",
                                      "{n} clients analysed; no clusters could be formed.")]
        findings = [self.fmt.quantity(clients, "{n} client analysed, in {k} clusters of similar behaviour.",
                                      "{n} clients analysed, in {k} clusters of similar behaviour.",
                                      k=self.fmt.number(len(self.clusters)))]
        for cluster in self.clusters[:3]:
            findings.append(self._("{name}: {size}.").format(name=self.cluster_name(cluster),
                                                             size=self.cluster_size(cluster)))
        outliers = (info.get("outliers") or {}).get("count", 0)
        if outliers:
            findings.append(self.fmt.quantity(outliers, "{n} client with extreme values was set aside before "
                                              "clustering.", "{n} clients with extreme values were set aside "
                                              "before clustering."))
        return findings

    def behaviour_headline(self) -> str:
        """Return the headline of the key figures slide (its speaker notes)."""
        return " ".join(self.behaviour_findings())

    # --- data and method --------------------------------------------------------------------
    def behaviour_method_lines(self) -> list[str]:
        """Return how the clusters were found, from the context's method and clustering."""
        m, info = self.context["method"], self.context.get("clusters") or {}
        lines = [
            self._("Clusters: KMeans on standardised features; amounts with a long tail are taken as log(1 + x), "
                   "categories as one indicator per level"),
            self._("Number of clusters k from {low} to {high}, chosen by the silhouette; the elbow of the inertia "
                   "is shown for comparison; seed {seed}").format(
                low=m["clusters_range"][0], high=m["clusters_range"][1], seed=m["random_state"]),
            self._("A split is refused when a cluster has fewer than {size} clients or less than {share} of them"
                   ).format(size=self.fmt.number(m["min_cluster_size"]), share=self.fmt.percent(m["min_cluster_share"])),
            self._("A cluster's traits: features whose mean is at least {z} standard deviations from all clients', "
                   "at most three, strongest first").format(z=self.fmt.number(m["trait_threshold"], 1)),
        ]
        outliers = (info.get("outliers") or {}).get("count", 0)
        if outliers:
            lines.append(self.fmt.quantity(outliers, "{n} client with extreme values set aside before clustering",
                                           "{n} clients with extreme values set aside before clustering"))
        return lines
