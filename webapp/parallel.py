"""Work spread over every core by forking: workers inherit what the parent already has in
memory (articles, settings, closures), so only each item and its result are pickled.

The pool is concurrent.futures' ProcessPoolExecutor, not multiprocessing.Pool: when a
worker dies (killed for lack of memory, say), the executor says so (BrokenProcessPool)
and ends the others, where multiprocessing.Pool would wait for the lost work forever.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

PARALLEL_FROM = 200  # fewer items than this are worked through in this process


class WorkerDied(RuntimeError):
    """A process of a build ended without finishing its work; the build is stopped."""

    def __init__(self):
        super().__init__(
            "a build process ended unexpectedly (killed, perhaps for lack of memory); the build "
            "was stopped and nothing was switched. Run it again; if it happens again, build with "
            "more memory or fewer processes"
        )


_WORK: Callable | None = None  # what pool workers run; set before they fork


def _run_work(item):
    return _WORK(item)


def in_parallel(
    work: Callable,
    items: Iterable,
    progress: Callable[[int], None] = lambda done: None,
    chunksize: int | None = None,
    parallel_from: int | None = None,
) -> Iterator:
    """work(item) for each item, in order, on every core when there are at least
    `parallel_from` items (default PARALLEL_FROM); progress(1) after each. Items go to the
    workers `chunksize` at a time: by default up to 256, and at least eight chunks a core
    (each chunk and its results are one message: loading 18,738 articles, the parent's
    pool threads took 0.5 s of CPU at 32 a chunk, 0.2 s at 256)."""
    global _WORK
    items = list(items)
    cores = os.cpu_count() or 1
    if len(items) < (parallel_from or PARALLEL_FROM) or cores < 2:
        for item in items:
            yield work(item)
            progress(1)
        return
    _WORK = work
    chunksize = chunksize or max(1, min(256, len(items) // (8 * cores)))
    try:
        with forked_pool(cores) as pool:
            for result in pool.map(_run_work, items, chunksize=chunksize):
                yield result
                progress(1)
    finally:
        _WORK = None


@contextmanager
def forked_pool(processes: int):
    """An executor of `processes` forked workers; raises WorkerDied if one of them dies.
    What this process holds is frozen out of the garbage collector first: a worker's
    collections would otherwise write to every object it inherited, and the kernel would
    copy all of this process's memory into each one."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    except BrokenProcessPool as error:
        raise WorkerDied() from error
    finally:
        gc.unfreeze()
