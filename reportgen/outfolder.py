"""The output folder of a build: checked before any work, staged while files are rendered, published at the end.

A build writes into a hidden `.build-<id>` folder and holds a lock on a file inside it for as long as it
runs. A build that was killed leaves its folder behind with the lock free; the next build into the same
output folder removes such folders, and never one whose lock is still held by a build that is running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from reportgen.errors import UserError
from reportgen.i18n.ui import _

STAGING_PREFIX = ".build-"
LOCK_NAME = ".lock"
# A build takes its lock microseconds after creating its folder: a folder still without a lock after a
# minute was left by a build killed in between, and a younger one may belong to a build starting now.
UNLOCKED_GRACE_SECONDS = 60.0
CHARTS = "charts"


def check_writable(folder: Path, names: Iterable[str] = ()) -> None:
    """Raise UserError unless `folder` exists or can be created, and this process can write files into it.

    `names` are the files the build will put there: none of them may be a folder. The check writes and
    deletes a probe file, the only test that holds for read-only mounts, ACLs and root alike.
    """
    existing = folder
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            _("Cannot write into {folder}: {path} exists and is not a folder.").format(
                folder=folder, path=existing),
            hint=_("Give another folder with --out (or report.output in the config), or move {path} away.").format(
                path=existing),
        )
    try:
        handle, probe = tempfile.mkstemp(prefix=".reportgen-probe-", dir=existing)
    except OSError as exc:
        raise UserError(
            _("Cannot write into {folder}: {path} is not writable ({reason}).").format(
                folder=folder, path=existing, reason=exc.strerror or type(exc).__name__),
            hint=_("Give a folder you may write to with --out (or report.output in the config), or ask for "
                   "write access to {path}.").format(path=existing),
        )
    os.close(handle)
    os.unlink(probe)
    if existing == folder:
        for name in names:
            target = folder / name
            # a folder where a report file goes cannot be replaced by it, nor a file where the charts go
            in_the_way = (os.path.lexists(target) and not target.is_dir()) if name == CHARTS else target.is_dir()
            if in_the_way:
                raise UserError(
                    _("Cannot write into {folder}: {path} is in the way.").format(folder=folder,
                                                                                            path=target),
                    hint=_("Move {path} away, or give another folder with --out.").format(path=target),
                )


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield a fresh hidden folder inside `out_dir`, locked by this build; remove it when the block ends.

    Staging folders left in `out_dir` by builds that were killed are removed first.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir)
    path = out_dir / f"{STAGING_PREFIX}{uuid.uuid4().hex[:10]}"
    path.mkdir()
    # forked render workers inherit this descriptor, so the lock lives as long as any process of the build
    lock = os.open(path / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


def remove_stale(out_dir: Path) -> list[Path]:
    """Remove the staging folders in `out_dir` whose build is gone; return the folders removed."""
    removed = []
    for path in sorted(out_dir.glob(f"{STAGING_PREFIX}*")):
        if path.is_dir() and not path.is_symlink() and _remove_if_abandoned(path):
            removed.append(path)
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    """Remove the staging folder `path` if no running build holds its lock; return True if removed."""
    try:
        lock = os.open(path / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return False
        if age <= UNLOCKED_GRACE_SECONDS:
            return False
        shutil.rmtree(path, ignore_errors=True)
        return True
    except OSError:
        return False
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: a build is running and writing there
            return False
        shutil.rmtree(path, ignore_errors=True)
        return True
    finally:
        os.close(lock)


def publish(staged: list[Path], staging_folder: Path, out_dir: Path) -> list[Path]:
    """Move the staged files (and charts) into `out_dir`, replacing older ones; return the final paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = []
    for path in staged:
        target = out_dir / path.name
        os.replace(path, target)
        final.append(target)
    charts = staging_folder / CHARTS
    if charts.is_dir():
        (out_dir / CHARTS).mkdir(exist_ok=True)
        for chart in charts.iterdir():
            os.replace(chart, out_dir / CHARTS / chart.name)
    return final
