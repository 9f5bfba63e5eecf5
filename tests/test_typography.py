"""Headings bind Russian one-letter words to the next word, in the deck and in the PDF, and nothing else."""

from __future__ import annotations

import json
import re

from hypothesis import given, strategies as st

from reportgen.render.typography import NBSP, bind_headings, bind_short_words

ONE_LETTER = "ВКСОУИАЯвксоуиая"


def test_one_letter_russian_words_are_tied_to_the_next_word():
    assert bind_short_words("Отток с кредитной картой и без неё", "ru") == f"Отток с{NBSP}кредитной картой и{NBSP}без неё"
    assert bind_short_words("Что на кону и кого удерживать в первую очередь", "ru") == (
        f"Что на кону и{NBSP}кого удерживать в{NBSP}первую очередь")
    # a letter ending a word, after a hyphen or at the end of the title is not a word of its own
    assert bind_short_words("Силуэт и «локоть» в зависимости от k", "ru") == (
        f"Силуэт и{NBSP}«локоть» в{NBSP}зависимости от k")
    assert bind_short_words("Клиенты из-за границы, 5 а", "ru") == "Клиенты из-за границы, 5 а"
    # other languages are left as they are (French and English have no such rule)
    assert bind_short_words("Churn by age a b", "en") == "Churn by age a b"
    assert bind_short_words("Taux à la hausse", "fr") == "Taux à la hausse"


@given(st.lists(st.one_of(st.sampled_from(list(ONE_LETTER)), st.text("абвгдежз", min_size=2, max_size=6)),
                min_size=1, max_size=8))
def test_no_line_can_end_on_a_one_letter_word_and_the_text_reads_the_same(words):
    text = " ".join(words)
    bound = bind_short_words(text, "ru")
    assert bound.replace(NBSP, " ") == text
    # wherever a line may break (a plain space), the word before it is longer than one letter
    for before in re.findall(r"(\S+) ", bound):
        assert len(before.split(NBSP)[-1]) > 1


def test_only_the_text_of_pdf_headings_is_bound():
    html = ('<h2 class="a">Отток с картой</h2><p>Отток с картой</p>'
            '<h3>Клиенты <b>с</b> картой и <span title="с х">без</span></h3>')
    out = bind_headings(html, "ru")
    assert out == (f'<h2 class="a">Отток с{NBSP}картой</h2><p>Отток с картой</p>'
                   f'<h3>Клиенты <b>с</b> картой и{NBSP}<span title="с х">без</span></h3>')
    assert bind_headings(html, "en") == html


def test_russian_deck_titles_and_pdf_headings_never_end_a_line_on_a_one_letter_word(sample_build, tmp_path):
    from pptx import Presentation

    from reportgen.render.pdf import summary_html

    hanging = re.compile(r"(?<![\w\-])[ВКСОУИАЯвксоуиая] ")
    titles = [s.shapes.title.text for s in Presentation(str(sample_build / "deck_ru.pptx")).slides
              if s.shapes.title is not None]
    assert not [t for t in titles if hanging.search(t)]
    assert sum(bool(re.search(f"(?<![\\w\\-])[ВКСОУИАЯвксоуиая]{NBSP}", t)) for t in titles) >= 5
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", summary_html(context, "ru", tmp_path), re.S)
    assert headings and not [h for h in headings if hanging.search(re.sub(r"<[^>]*>", "", h))]
    english = [s.shapes.title.text for s in Presentation(str(sample_build / "deck_en.pptx")).slides
               if s.shapes.title is not None]
    assert not any(re.search(f"\\b[aAI]{NBSP}", t) for t in english)
