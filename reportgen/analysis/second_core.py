"""Stages that run on a worker thread beside the caller's (the machine's second core), failing early and
leaving nothing behind."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor


class SecondCore:
    """Tasks run in turn on one worker thread; the first that failed is raised at the caller's next check().

    Leaving the `with` block waits for the tasks (none is left running) and raises a failure nobody waited for;
    leaving it with an error cancels the tasks not started and notes every other task's failure on that error,
    so none is lost.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._tasks: list[Future] = []

    def submit(self, function, *args) -> Future:
        """Return the future of `function(*args)`, queued behind the tasks submitted before it."""
        self._tasks.append(self._pool.submit(function, *args))
        return self._tasks[-1]

    def check(self) -> None:
        """Raise the error of the first task that failed, if one has."""
        for task in self._failed():
            raise task.exception()

    def _failed(self) -> list[Future]:
        """Return the tasks that have finished with an error."""
        return [t for t in self._tasks if t.done() and not t.cancelled() and t.exception() is not None]

    def __enter__(self) -> SecondCore:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        self._pool.shutdown(wait=True, cancel_futures=error is not None)
        if error is None:
            self.check()  # a task nobody waited for: its failure is raised, not lost
            return False
        told = set()
        cause = error
        while cause is not None:  # what the error already carries as its cause or context is not told again
            told.add(id(cause))
            cause = cause.__cause__ or cause.__context__
        for task in self._failed():
            if id(task.exception()) not in told:
                error.add_note(f"Also failed on the second core: {task.exception()!r}")
        return False
