"""Renderers: the context and a language in, files out. They know no pandas and compute no statistics."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class RenderJob:
    """What to render: formats and templates; `staging` is the folder files are written to first."""

    formats: tuple[str, ...]
    staging: Path
    template: Path | None = None
    templates: Path | None = None


def _deck(context: dict, lang: str, job: RenderJob) -> Path:
    """Write deck_<lang>.pptx into the staging folder."""
    from reportgen.render.deck import render_deck

    return render_deck(context, lang, job.staging / f"deck_{lang}.pptx", job.template)


def _pdf(context: dict, lang: str, job: RenderJob) -> Path:
    """Write summary_<lang>.pdf (and its charts) into the staging folder."""
    from reportgen.render.pdf import render_pdf

    return render_pdf(context, lang, job.staging / f"summary_{lang}.pdf", job.staging / "charts", job.templates)


def _client_list(context: dict, lang: str, job: RenderJob) -> Path:
    """Write clients_<lang>.xlsx into the staging folder."""
    from reportgen.render.client_lists import write_xlsx, xlsx_name
    from reportgen.render.wording import Wording

    return write_xlsx(context, Wording(context, lang), job.staging / xlsx_name(lang))


# Writers keyed by format; the config refuses any other format before a run starts. The client lists
# ("xlsx") are not a format the user picks: a build adds them when the context has a churn model.
WRITERS: dict[str, Callable[[dict, str, RenderJob], Path]] = {"pptx": _deck, "pdf": _pdf, "xlsx": _client_list}


def render_one(context: dict, lang: str, fmt: str, job: RenderJob) -> Path:
    """Render one format of one language; return the staged file."""
    return WRITERS[fmt](context, lang, job)


def _warm_up(formats: tuple[str, ...]) -> None:
    """Import the renderers and load the fonts, so that a worker is ready before its first task."""
    from reportgen.render.fonts import register_matplotlib
    from reportgen.render.textfit import text_width

    register_matplotlib()
    text_width("x", 10)
    if "pptx" in formats:
        import reportgen.render.deck  # noqa: F401
    if "pdf" in formats:
        import weasyprint  # noqa: F401

        import reportgen.render.pdf  # noqa: F401


def _start_worker(parent: int, formats: tuple[str, ...]) -> None:
    """Tie this render worker to the build that forked it, then import the renderers."""
    _end_with_parent(parent)
    _warm_up(formats)


class RenderPool:
    """The render workers of a build, started before its analysis (a context manager; None-like with one core).

    Forked when the build starts, each worker imports the renderers and loads the fonts on the core the
    analysis leaves free, instead of the build doing it, alone, between the analysis and the first file.
    """

    def __init__(self, formats: tuple[str, ...], tasks: int) -> None:
        self.workers = min(tasks, os.cpu_count() or 1)
        self.pool = None
        if self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("fork"),
                                            initializer=_start_worker, initargs=(os.getpid(), formats))
            self.pool.submit(os.getpid)  # the fork context starts every worker at the first submit: now

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def render_all(context: dict, langs: list[str], job: RenderJob, done: Callable[[str, str], None],
               pool: RenderPool | None = None) -> list[Path]:
    """Render every (language, format), in parallel processes when there are several cores.

    `done(lang, fmt)` is called as each file is finished. `pool`: workers started earlier (RenderPool);
    without it they are started here.
    """
    tasks = [(lang, fmt) for lang in langs for fmt in job.formats]
    if pool is None:
        with RenderPool(job.formats, len(tasks)) as own:
            return render_all(context, langs, job, done, own)
    files = []
    if pool.pool is None:
        for lang, fmt in tasks:
            files.append(render_one(context, lang, fmt, job))
            done(lang, fmt)
        return files
    from concurrent.futures import as_completed, wait

    # the slow PDFs first, so the decks fill the gaps at the end
    ordered = sorted(tasks, key=lambda t: t[1] != "pdf")
    futures = {pool.pool.submit(render_one, context, lang, fmt, job): (lang, fmt) for lang, fmt in ordered}
    try:
        for future in as_completed(futures):
            files.append(future.result())
            done(*futures[future])
    except BaseException:
        # no worker may still write into the staging folder once the caller removes it
        for future in futures:
            future.cancel()
        wait(futures)
        raise
    return files


def _end_with_parent(parent: int) -> None:
    """Make this render worker die with the build that forked it, so that a killed build leaves none running.

    On Linux the kernel sends SIGKILL when the forking thread ends; the pool forks from the build's main
    thread (fork context: all workers at the first submit), which lives until the build ends.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # the parent may have died between the fork and prctl: then no signal will ever come
    if os.getppid() != parent:
        os._exit(1)
