"""Give memory the process has freed back to the system between the stages of a large run."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


def release_freed_memory() -> bool:
    """Return True when glibc returned the free parts of its heap to the system (malloc_trim), False where
    there is no glibc (macOS, Windows, musl).

    The reader's and the analysis's temporary buffers are freed but stay in the heap, where Python's own small
    objects (allocated elsewhere) never reuse them: ten million clients left about 1.5 GB there.
    """
    trim = _malloc_trim()
    return bool(trim and trim(0))


@cache
def _malloc_trim():
    """Return glibc's malloc_trim, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None
