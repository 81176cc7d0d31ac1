"""An output folder that changes as a set or not at all.

The build writes several files that only make sense together (tariffs.parquet and .csv, rejects,
disagreements, decrees, the build report, the reference tables). Written one by one into the folder
users read, an interrupt or a full disk between two writes would leave a new dataset beside old
rejects. So every run writes a complete *generation* into its own staging folder, and one atomic
step makes it current: the output path (``data/processed``) is a symbolic link to the current
generation (``data/.processed.gens/<id>``), replaced with ``os.replace`` of a new link. Readers keep
using ``data/processed/tariffs.csv``; they see the old generation or the new one, never a mix.

- Runs on one output folder are serialised by a lock file (``filelock``): a second run waits for
  the first (up to ``wait`` seconds, then refuses in one line).
- An exception or Ctrl-C before the switch removes the staging folder: the previous generation
  stays current, untouched.
- A folder that is still a plain directory (from an older version) is moved into the generations
  folder once and replaced by the link; if a run stops right there, the next run restores the link.
- Write errors (full disk, read-only folder) are reported naming the output folder, not a hidden
  staging file.
- Where the platform cannot make symbolic links, the generation is swapped in with two renames
  (the previous folder kept as ``<name>.previous`` until the next run).
"""
from __future__ import annotations

import errno
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from .errors import DecreeError

KEEP = 2  # generations kept: the current one and the one before


class _NoLinks(Exception):
    """The platform (or folder) cannot hold symbolic links."""


def gens_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.gens"


def _lock(target: Path, wait: float):
    from filelock import FileLock, Timeout

    lock = FileLock(str(target.parent / f".{target.name}.lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise DecreeError(target, f"another run is writing this folder (lock {lock.lock_file}); "
                                  "try again when it has finished") from None
    return lock


def _relink(target: Path, generation: Path) -> None:
    link = target.parent / f".{target.name}.link-{uuid.uuid4().hex[:8]}"
    try:
        os.symlink(os.path.relpath(generation, target.parent), link, target_is_directory=True)
    except (OSError, NotImplementedError) as exc:
        raise _NoLinks() from exc
    try:
        os.replace(link, target)
    finally:
        if link.is_symlink():
            link.unlink()


def _recover(target: Path) -> None:
    """A run stopped between moving a plain folder aside and linking: link the newest generation."""
    gens = gens_dir(target)
    if target.exists() or target.is_symlink() or not gens.is_dir():
        return
    done = sorted((p for p in gens.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
                  key=lambda p: p.stat().st_mtime)
    if done:
        try:
            _relink(target, done[-1])
        except _NoLinks:
            os.rename(done[-1], target)


def _switch(target: Path, staged: Path) -> None:
    gens = gens_dir(target)
    final = staged.with_name(staged.name.removesuffix(".tmp"))
    os.rename(staged, final)
    if target.exists() and not target.is_symlink():
        if not target.is_dir():
            raise DecreeError(target, "is a file, not a folder; move it away")
        os.rename(target, gens / f"{time.strftime('%Y%m%dT%H%M%S')}-previous")
    try:
        _relink(target, final)
    except _NoLinks:
        _swap_without_links(target, final)
    _prune(gens, keep={final.name})


def _swap_without_links(target: Path, final: Path) -> None:
    previous = target.with_name(f"{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.rename(target, previous)
    os.rename(final, target)


def _prune(gens: Path, keep: set[str]) -> None:
    done = sorted((p for p in gens.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in done[:-KEEP]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def locked(target: Path, wait: float = 600.0):
    """Hold the output folder's lock for the block (a build holds it from its first step, so the part
    store beside the folder is pruned by one run only while no other run uses it)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(target, wait)
    except OSError as exc:
        raise DecreeError(target, f"cannot write here ({exc.strerror})") from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def generation(target: Path, wait: float = 600.0, lock: bool = True):
    """Yield a staging folder; make it the content of ``target`` only if the block completes.
    ``lock=False``: the caller already holds the lock (``locked``)."""
    target = Path(target)
    with locked(target, wait) if lock else _nothing():
        yield from _generation(target)


@contextmanager
def _nothing():
    yield


def _generation(target: Path):
    """Staging folder -> current generation (the body of ``generation``)."""
    _recover(target)
    gens = gens_dir(target)
    staged = gens / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        staged.mkdir(parents=True)
        yield staged
        _switch(target, staged)
    except OSError as exc:
        what = "disk full" if exc.errno == errno.ENOSPC else exc.strerror or type(exc).__name__
        raise DecreeError(target, f"cannot write the outputs ({what}); previous outputs kept") from None
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
