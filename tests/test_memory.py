"""Memory a run frees is kept for its next arrays (glibc's mallopt) and goes back to the system between its
stages (malloc_trim)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CODE = textwrap.dedent("""
    import gc, sys
    from reportgen.memory import keep_freed_memory, release_freed_memory

    if sys.argv[1] == "keep":
        keep_freed_memory()  # as a run does: what is freed is kept, until released between the stages

    def rss():
        return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) * 1024

    blocks = [bytes(2000) for _ in range(100_000)]  # 200 MB in glibc's heap: Python keeps only small objects
    keep = bytes(2000)  # allocated after them, so the heap cannot simply shrink from its top
    del blocks
    gc.collect()
    before = rss()
    print(release_freed_memory(), before - rss())
""")


REUSE = textwrap.dedent("""
    import resource, sys
    from reportgen.memory import keep_freed_memory

    kept = keep_freed_memory() if sys.argv[1] == "keep" else None
    block = b"x" * 100_000_000  # every page written
    del block
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = b"y" * 100_000_000
    print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def _faults_of_second_block(mode: str) -> tuple[str, int]:
    """Return what keep_freed_memory returned (or 'None') and the page faults of a second 100 MB block."""
    done = subprocess.run([sys.executable, "-c", REUSE, mode], capture_output=True, text=True, timeout=120, check=True)
    kept, faults = done.stdout.split()
    return kept, int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's (Linux)")
def test_a_freed_large_block_is_reused_without_faulting_its_pages_again():
    kept, faults = _faults_of_second_block("keep")
    assert kept == "True"
    assert faults < 2_000  # of the block's 24,415 pages
    # glibc's default, for comparison: the block was unmapped when freed, and every page faults in again
    # (24,415 faults of 4 KB pages; about 50 where the kernel gives every mapping huge pages)
    default, faults_by_default = _faults_of_second_block("default")
    assert default == "None" and faults_by_default > 10 * max(faults, 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
@pytest.mark.parametrize("mode", ["default", "keep"])
def test_freed_heap_memory_goes_back_to_the_system(mode):
    done = subprocess.run([sys.executable, "-c", CODE, mode], capture_output=True, text=True, timeout=120,
                          check=True)
    released, returned = done.stdout.split()
    assert released == "True"
    assert int(returned) > 150_000_000  # of the 200 MB freed


def test_without_glibc_nothing_is_released(monkeypatch):
    from reportgen import memory

    monkeypatch.setattr(memory.sys, "platform", "darwin")
    memory._libc_function.cache_clear()
    try:
        assert memory.release_freed_memory() is False
        assert memory.keep_freed_memory() is False
    finally:
        memory._libc_function.cache_clear()
