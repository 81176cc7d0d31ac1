"""Run the build's per-file and per-decree jobs on every core, results consumed as they complete.

Why: a national round is thousands of independent decrees; parsing, validating and linking one
costs tens of milliseconds of pure Python, so one process leaves the other cores idle (issue #15).

- Workers are processes (``ProcessPoolExecutor``), ``os.cpu_count()`` of them unless told otherwise
  (``--workers``), started from a fork server that imported the package once (no per-worker import;
  no fork of a parent that runs a progress-bar thread); where there is no fork server, spawned.
- Jobs are handed out a few per worker at a time and results are taken in the order they finish:
  the parent holds only the small summaries the jobs return (the data goes to the part store).
- A job's own failure (a decree that cannot be read) is its *result*, not an exception; an
  exception is a bug or an interrupt, and it stops the run.
- Ctrl-C: workers ignore SIGINT (the terminal sends it to the whole process group); the parent
  cancels what is queued and ends the workers it started, then re-raises, so the caller's
  generation is dropped and the previous outputs stay. While the workers start (until each has
  said it is ready) a Ctrl-C is held back and acted on right after: a worker stopped half-started
  would print a traceback from the fork server. A worker that dies (out of memory) ends the run
  with one line.
- Small runs (one worker, or fewer jobs than ``MIN_JOBS_FOR_POOL``) run in this process: a rebuild
  after one changed decree does not pay for starting processes.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .errors import DecreeError

MIN_JOBS_FOR_POOL = 8
IN_FLIGHT_PER_WORKER = 4


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _worker_ready(ready) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ready.put(os.getpid())


def _noop() -> None:
    return None


def _start(workers: int) -> ProcessPoolExecutor:
    """A pool whose ``workers`` processes have all started. Meanwhile Ctrl-C is held back (acted on
    right after) and SIGINT is blocked: the fork server and the workers start with it blocked and
    keep it so (they never take a Ctrl-C meant for the build; a half-started one would die with a
    traceback), and this process takes it once they are up."""
    held: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: held.append(1))
    except ValueError:  # not the main thread: nothing to hold back
        previous = None
    ctx = _context()
    ready = ctx.Queue()  # may start multiprocessing's resource tracker, which unblocks SIGINT when it has
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_ready, initargs=(ready,))
    # so block it only now, before the fork server and the workers start
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
    try:
        for _ in range(workers):  # each submit starts one more process while none is idle
            pool.submit(_noop)
        for _ in range(workers):
            ready.get(timeout=120)
    except BaseException:
        _stop(pool)
        if not held:
            raise
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if held:
        _stop(pool)
        raise KeyboardInterrupt
    return pool


def _context():
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["kztariffs.parts"])
        return ctx
    return mp.get_context("spawn")


def run(fn: Callable, jobs: Iterable, workers: int | None = None) -> Iterator[tuple[object, object]]:
    """Yield ``(job, fn(job))`` for every job, in the order they finish (in order when run here)."""
    jobs = list(jobs)
    workers = default_workers() if workers is None else max(1, workers)
    if workers == 1 or len(jobs) < MIN_JOBS_FOR_POOL:
        for job in jobs:
            yield job, fn(job)
        return
    try:
        pool = _start(min(workers, len(jobs)))
    except BrokenProcessPool:
        raise DecreeError(None, "a worker process could not start; previous outputs kept") from None
    pending: dict = {}
    queue = iter(jobs)
    try:
        while True:
            for job in queue:
                pending[pool.submit(fn, job)] = job
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    break
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut.result()
    except BrokenProcessPool:
        raise DecreeError(None, "a worker process died (out of memory?); previous outputs kept; "
                                "try again with fewer --workers") from None
    except BaseException:
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued jobs and end this pool's worker processes (and only those)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
