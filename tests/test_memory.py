"""Memory freed between the stages of a run goes back to the system (glibc's malloc_trim)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CODE = textwrap.dedent("""
    import gc
    from reportgen.memory import release_freed_memory

    def rss():
        return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) * 1024

    blocks = [bytes(2000) for _ in range(100_000)]  # 200 MB in glibc's heap: Python keeps only small objects
    keep = bytes(2000)  # allocated after them, so the heap cannot simply shrink from its top
    del blocks
    gc.collect()
    before = rss()
    print(release_freed_memory(), before - rss())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
def test_freed_heap_memory_goes_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120, check=True)
    released, returned = done.stdout.split()
    assert released == "True"
    assert int(returned) > 150_000_000  # of the 200 MB freed


def test_without_glibc_nothing_is_released(monkeypatch):
    from reportgen import memory

    monkeypatch.setattr(memory.sys, "platform", "darwin")
    memory._malloc_trim.cache_clear()
    try:
        assert memory.release_freed_memory() is False
    finally:
        memory._malloc_trim.cache_clear()
