"""Long tables split over slides: as few slides as the rows need, each page fitting, rows spread evenly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.render.slides import EMU_PER_PT, MAX_TABLE_ROWS, row_height, table_chunks

WIDTHS = [int(200 * EMU_PER_PT), int(300 * EMU_PER_PT)]
PAGE = int(330 * EMU_PER_PT)


def greedy_pages(heights: list[int], page: int) -> int:
    """Return how many pages filling each page in turn takes (the fewest, for rows kept in order)."""
    pages, used, count = 0, None, 0
    for h in heights[1:]:
        if used is None or (used + h > page or count >= MAX_TABLE_ROWS):
            pages, used, count = pages + 1, heights[0], 0
        used, count = used + h, count + 1
    return pages


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=40))
def test_rows_keep_their_order_fill_no_more_slides_and_each_page_fits(words):
    rows = [["Question", "Conclusion"]] + [[f"Row {i}", " ".join(["mot"] * n)] for i, n in enumerate(words)]
    heights = [row_height(r, WIDTHS, 10, bold=(i == 0)) for i, r in enumerate(rows)]
    chunks = table_chunks(rows, WIDTHS, PAGE, 10)
    assert [i for chunk in chunks for i in chunk] == list(range(1, len(rows)))
    assert len(chunks) == greedy_pages(heights, PAGE)
    for chunk in chunks:
        assert len(chunk) <= MAX_TABLE_ROWS
        assert len(chunk) == 1 or heights[0] + sum(heights[i] for i in chunk) <= PAGE


def test_the_last_slide_gets_its_share_of_the_rows():
    rows = [["Question", "Conclusion"]] + [[f"Row {i}", "mot " * 30] for i in range(9)]
    heights = [row_height(r, WIDTHS, 10) for r in rows]
    per_page = (PAGE - heights[0]) // heights[1]  # equal rows: how many a page holds
    chunks = table_chunks(rows, WIDTHS, PAGE, 10)
    assert len(chunks) == -(-9 // per_page)
    assert max(map(len, chunks)) - min(map(len, chunks)) <= 1, chunks
