"""The rendered text of the decks and PDF summaries tells the users' story: no paragraph in lower case, none said
twice, no English in French or Russian beyond names and the data's own values, no segment told its own definition
as a finding, the outline in its order, a talk track on every slide, a PDF summary of two to four pages.

Decks are read back with python-pptx, PDFs with pypdf and their HTML with html.parser: nothing is taken from the
code under test but the catalogs' translations.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.conftest import LANGS
from tests.render_helpers import catalog, slide_paragraphs, spaces, tr

REPEAT_LIMIT = 60  # a paragraph longer than this is said once per deck
OUTLINE = ("Executive summary", "Context and objectives", "Method in four steps",
           "Personas at risk: churn against the average", "Opportunities across the client base",
           "Churn prediction model", "Key factors of churn", "What is at stake, and whom to keep first",
           "What to do for each group", "Action plan", "Next steps", "Questions and thanks", "Appendix")
# Names the reports may say in any language: methods and tools named after people or products.
PROPER = {"kmeans", "crm", "holm", "wilson", "welch", "mann", "whitney", "fisher", "cramér", "cohen", "student",
          "brier", "excel", "roc-auc", "pr-auc"}
# a setting ('analysis.retention_uplift') or a file ('clients.csv') is named as the user types it
TECHNICAL_NAME = re.compile(r"\b\w+(?:\.\w+)+\b")
WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*")
ZERO_OR_ALL = re.compile(r"(?<![\d.,])(0|100)[.,]0\s?%")


# --- reading the outputs back ------------------------------------------------------------------------------
def notes_paragraphs(slide) -> list[str]:
    """Return the paragraphs of a slide's speaker notes."""
    if not slide.has_notes_slide:
        return []
    return [p.text.strip() for p in slide.notes_slide.notes_text_frame.paragraphs if p.text.strip()]


def deck_slides(path: Path) -> list[dict]:
    """Return each slide's title, paragraphs (shapes and tables), prose (shapes only: a table's cells are labels,
    which a table in the appendix may repeat) and notes paragraphs."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        prose = [p.text.strip() for shape in slide.shapes if shape.has_text_frame
                 for p in shape.text_frame.paragraphs if p.text.strip()]
        out.append({"title": title, "paragraphs": slide_paragraphs(slide), "prose": prose,
                    "notes": notes_paragraphs(slide)})
    return out


class Blocks(HTMLParser):
    """Collect the text of every block element of an HTML page (paragraphs, list items, cells, headings)."""

    BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "div", "figcaption"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = []
        self.blocks: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.stack.append([])

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self.skip -= 1
        if tag in self.BLOCKS and self.stack:
            text = " ".join("".join(self.stack.pop()).split())
            if text:
                self.blocks.append(text)

    def handle_data(self, data):
        if self.stack and not self.skip:
            for part in self.stack:
                part.append(data)


def html_blocks(html: str) -> list[str]:
    """Return the innermost-first texts of the block elements of an HTML page."""
    parser = Blocks()
    parser.feed(html)
    return parser.blocks


@pytest.fixture(scope="module")
def sample(sample_build, tmp_path_factory) -> dict:
    """Return the sample's context and, by language, its deck slides, PDF pages and PDF HTML blocks."""
    from reportgen.render.pdf import summary_html

    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    charts = tmp_path_factory.mktemp("story_charts")
    return {"context": context, **{lang: {
        "deck": deck_slides(sample_build / f"deck_{lang}.pptx"),
        "pages": [spaces(p.extract_text()) for p in PdfReader(str(sample_build / f"summary_{lang}.pdf")).pages],
        "pdf": PdfReader(str(sample_build / f"summary_{lang}.pdf")),
        "html": html_blocks(summary_html(context, lang, charts)),
    } for lang in LANGS}}


# --- the rules --------------------------------------------------------------------------------------------
SYMBOL_START = re.compile(r"^[pk]\s")


def lower_case_starts(paragraphs: list[str]) -> list[str]:
    """Return the paragraphs whose first character is a lower-case letter (a statistic's symbol aside: 'p с
    поправкой', the Russian header of the adjusted p-value, starts with the letter p as every language writes it)."""
    return [p for p in paragraphs if p[:1].isalpha() and p[:1].islower() and not SYMBOL_START.match(p)]


def repeated(paragraphs: list[str]) -> list[str]:
    """Return the paragraphs longer than REPEAT_LIMIT that appear more than once."""
    counts = Counter(spaces(p) for p in paragraphs if len(p) > REPEAT_LIMIT)
    return [p for p, n in counts.items() if n > 1]


def english_only_words() -> set[str]:
    """Return the words of the English messages and playbook texts that no French message or text uses."""
    from reportgen.ingest.playbook import load_playbook
    from reportgen.paths import TEMPLATES_DIR

    english, french = set(), set()
    for message in catalog("fr"):
        if not message.id:
            continue
        for text in (message.id if isinstance(message.id, (list, tuple)) else (message.id,)):
            english |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}
        for text in (message.string if isinstance(message.string, (list, tuple)) else (message.string,)):
            french |= {w.lower() for w in WORD.findall(text)}
    for rule in load_playbook(TEMPLATES_DIR / "playbook.toml")["rules"]:
        for field in ("title", "text", "action", "owner", "kpi"):
            texts = rule.get(field) or {}
            english |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", texts.get("en", "")))}
            french |= {w.lower() for w in WORD.findall(texts.get("fr", ""))}
    return english - french


def allowed_words(context: dict) -> set[str]:
    """Return the words a report may say in any language: the data's column names and values, the organisation,
    the data file's name, the currency's code, and the proper names of methods."""
    names = [*context["roles"]["numeric"], *context["roles"]["binary"], *context["roles"]["categorical"],
             context["meta"].get("organisation") or "", Path(context["meta"]["dataset"]).name,
             context["meta"].get("currency") or ""]
    for factor in context["churn_by_factor"]:
        names += [str(level.get("value") or level.get("label") or "") for level in factor["levels"]]
    words = {w.lower() for name in names for w in WORD.findall(name.replace("_", " "))}
    return words | PROPER


def foreign_words(texts: list[str], lang: str, context: dict, english: set[str]) -> set[str]:
    """Return the words of a French or Russian output that are English and no name or value of the data."""
    allowed = allowed_words(context)
    found = set()
    for text in texts:
        for word in WORD.findall(TECHNICAL_NAME.sub(" ", text)):
            low = word.lower().strip("'’-")
            if len(low) < 2 or low in allowed:
                continue
            if lang == "ru" and low.isascii():  # Russian text has no Latin word of its own
                found.add(word)
            elif lang == "fr" and low in english:
                found.add(word)
    return found


def persona_slides(deck: list[dict], lang: str, segment: dict) -> list[dict]:
    """Return the slides of a persona: those stating its rule ('Rule S2 — ...')."""
    opening = spaces(tr(lang, "Rule {id} — {conditions}").split("{conditions}")[0].format(id=segment["id"]))
    return [s for s in deck if any(spaces(p).startswith(opening) for p in s["paragraphs"])]


# --- the tests --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_no_paragraph_starts_in_lower_case(sample, lang):
    deck = sample[lang]["deck"]
    paragraphs = [p for s in deck for p in s["paragraphs"] + s["notes"]]
    assert lower_case_starts(paragraphs) == []
    assert lower_case_starts(sample[lang]["html"]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_long_paragraph_is_said_twice(sample, lang):
    deck = sample[lang]["deck"]
    assert repeated([p for s in deck for p in s["prose"] + s["notes"]]) == []
    assert repeated(sample[lang]["html"]) == []


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_no_english_beyond_names_and_the_datas_own_values(sample, lang):
    english = english_only_words()
    assert {"average", "with", "the", "leave"} <= english  # the list can catch something
    deck = sample[lang]["deck"]
    texts = [p for s in deck for p in s["paragraphs"] + s["notes"]] + sample[lang]["pages"]
    assert foreign_words(texts, lang, sample["context"], english) == set()


@pytest.mark.parametrize("lang", LANGS)
def test_a_segment_is_never_told_its_own_definition_as_a_share(sample, lang):
    context = sample["context"]
    defined = [s for s in context["segments"] if any(c["op"] == "==" for c in s["rule"])]
    assert defined, "the sample has segments defined by a flag or a category (no credit card, men)"
    for segment in context["segments"]:
        slides = persona_slides(sample[lang]["deck"], lang, segment)
        assert len(slides) == 1, segment["id"]
        said = slides[0]["paragraphs"] + slides[0]["notes"]
        assert [p for p in said if ZERO_OR_ALL.search(spaces(p))] == [], segment["id"]
    summary = " ".join(sample[lang]["pages"][:-1])  # the statistics page may quote any share
    assert not ZERO_OR_ALL.search(summary)


@pytest.mark.parametrize("lang", LANGS)
def test_the_deck_follows_the_outline_with_an_agenda_of_the_sections_present(sample, lang):
    deck = sample[lang]["deck"]
    titles = [spaces(s["title"]) for s in deck]
    positions = [titles.index(spaces(tr(lang, title))) for title in OUTLINE]
    assert positions == sorted(positions)
    assert 12 <= positions[-1] <= 16, positions[-1]  # slides before the appendix
    personas = [i for s in sample["context"]["segments"] for i, d in enumerate(deck)
                if d in persona_slides(deck, lang, s)]
    # the personas the story has room for (at least two) follow the overview; the others are in the appendix
    in_story = [i for i in personas if i < positions[-1]]
    assert len(in_story) >= 2 and positions[3] < min(in_story) and max(in_story) < positions[4]
    assert all(i > positions[-1] for i in personas if i not in in_story)
    agenda = next(s for s in deck if spaces(s["title"]) == spaces(tr(lang, "Agenda")))
    expected = ["Executive summary", "Context and objectives", "Method in four steps",
                "Results: the personas at risk", "Opportunities across the client base",
                "Churn prediction and its key factors",
                "Action groups: high value, at risk, inactive", "Action plan and next steps",
                "Appendix: statistics, data quality and method"]
    assert [spaces(p) for p in agenda["paragraphs"][1:]] == [spaces(tr(lang, m)) for m in expected]


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_has_a_talk_track_that_leads_on(sample, lang):
    deck = sample[lang]["deck"]
    appendix = [spaces(s["title"]) for s in deck].index(spaces(tr(lang, "Appendix")))
    bridge = spaces(tr(lang, "Next: questions.")).split()[0]  # 'Next:', 'Ensuite', 'Далее'
    for number, slide in enumerate(deck[:appendix], start=1):
        assert len(slide["notes"]) >= 2, (number, slide["notes"])
        assert spaces(slide["notes"][-1]).startswith(bridge), (number, slide["notes"][-1])
    notes = ["\n".join(s["notes"]) for s in deck]
    assert all(notes) and len(set(notes)) == len(notes)


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_tells_the_same_story_in_two_to_four_pages(sample, lang):
    pages = sample[lang]["pages"]
    assert 2 <= len(pages) <= 4
    text = " ".join(pages)
    order = [text.index(spaces(tr(lang, heading))) for heading in
             ("Executive summary", "Personas at risk", "Action plan", "Next steps", "Are the differences real?")]
    assert order == sorted(order)
    assert spaces(tr(lang, "Are the differences real?")) in pages[-1]
    assert spaces(tr(lang, "Are the differences real?")) not in " ".join(pages[:-1])
    context = sample["context"]
    # no table split across pages: the plan's rows on the page of its heading, every test on the last page
    titles = [context["playbook"]["rules"][a["id"]]["title"][lang] for h in context["action_plan"].values() for a in h]
    plan = " ".join(next(p for p in pages if spaces(tr(lang, "Action plan")) in p).split())
    assert all(" ".join(spaces(t).split()) in plan for t in titles)
    assert len(context["tests"]) <= 14  # all fit the statistics page: each is a question, the heading one more
    assert pages[-1].count("?") >= len(context["tests"]) + 1
    assert page_is_full(sample[lang]["pdf"].pages[0])


def page_is_full(page) -> bool:
    """Return True when the body text of a PDF page reaches its last fifth (running headers and footers aside)."""
    height = float(page.mediabox.height)
    lowest = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text's baseline in page space
        if text.strip() and 18 * 2.83 < y < height - 20 * 2.83:  # inside the page's margins (mm to points)
            lowest.append(y)

    page.extract_text(visitor_text=visit)
    return bool(lowest) and min(lowest) < height * 0.2 + 18 * 2.83


@pytest.mark.realdata
@pytest.mark.parametrize("lang, persona", [("fr", "Hommes actifs à gros encours"),
                                           ("ru", "Активные мужчины с крупными остатками"),
                                           ("en", "Active men with large balances")])
def test_the_bank_deck_follows_the_outline_with_its_personas(real_build, lang, persona):
    context = json.loads((real_build / "context.json").read_text(encoding="utf-8"))
    deck = deck_slides(real_build / f"deck_{lang}.pptx")
    titles = [spaces(s["title"]) for s in deck]
    positions = [titles.index(spaces(tr(lang, title))) for title in OUTLINE]
    assert positions == sorted(positions)
    assert 12 <= positions[-1] <= 16, positions[-1]
    assert persona in titles
    paragraphs = [p for s in deck for p in s["paragraphs"] + s["notes"]]
    assert lower_case_starts(paragraphs) == []
    assert repeated([p for s in deck for p in s["prose"] + s["notes"]]) == []
    if lang != "en":
        pages = [spaces(p.extract_text()) for p in PdfReader(str(real_build / f"summary_{lang}.pdf")).pages]
        assert foreign_words(paragraphs + pages, lang, context, english_only_words()) == set()
    for segment in context["segments"]:
        slide = persona_slides(deck, lang, segment)[0]
        assert not [p for p in slide["paragraphs"] + slide["notes"] if ZERO_OR_ALL.search(spaces(p))]


def test_the_drivers_chart_gives_way_to_the_models_key_factors_and_the_story_keeps_its_budget(sample):
    from reportgen.render.sections import sections_of
    from reportgen.render.sections.results import Drivers, MAX_STORY_SLIDES, story_personas

    context = sample["context"]
    assert context["prediction"]["key_factors"] and not Drivers().applies(context)
    without = {**context, "prediction": {**context["prediction"], "key_factors": None}}
    assert Drivers().applies(without)
    # the drivers' chart takes the key factors' place: the story keeps as many personas
    assert story_personas(without) == story_personas(context)
    # the personas take what the other sections of the story leave, up to sixteen slides
    others = 0
    for section in sections_of(context):
        if type(section).__name__ == "AppendixOpening":
            break
        if type(section).__name__ not in ("PersonaSlides",) and section.applies(context):
            others += 2 if type(section).__name__ == "ActionGroups" else 1
    assert story_personas(context) == MAX_STORY_SLIDES - others
