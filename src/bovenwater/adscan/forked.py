"""Two halves of one step at once: a forked child process and this process.

The command line's run is serial after the analysis (sketch, candidate pairs): on two
cores one of them would sit idle there. :func:`in_two` forks a child that inherits
every array as it is (no copy, no pickling of the inputs), runs one half there and the
other half here, and returns both results. The child's result comes back pickled
through a pipe; a large result can instead be written into :func:`shared_array`
memory, which the child and this process share.

Without ``fork`` (Windows), or when the child fails for any reason, the child's half
runs in this process afterwards: the results are the same either way, only slower.
Only the command line uses this (``--workers`` 2 or more); the web application scans
with one worker in a process that has other threads, where forking is not done.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
from collections.abc import Callable
from typing import IO, Any, TypeVar

import numpy as np
import numpy.typing as npt

A = TypeVar("A")
B = TypeVar("B")

MIN_ITEMS = 20_000  # smaller steps are not worth a fork (a fork costs 10-30 ms)


def can_fork() -> bool:
    return hasattr(os, "fork")


def in_two(child: Callable[[], A], here: Callable[[], B]) -> tuple[A, B]:
    """``(child(), here())``, with ``child`` run in a forked process meanwhile."""
    if not can_fork():  # pragma: no cover - every supported Unix has fork
        return child(), here()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow it)
        status = 1
        try:
            os.close(read)
            data = pickle.dumps(child(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no clean-up of the parent's state (files, atexit)
    os.close(write)
    try:
        mine = here()
    finally:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
    if status != 0 or not data:  # pragma: no cover - a failed child: its half here
        return child(), mine
    result: A = pickle.loads(data)  # noqa: S301 - our own child's output, through our own pipe
    return result, mine


def stream_in_two(
    child: Callable[[IO[bytes]], object],
    here: Callable[[], object],
    write: Callable[[bytes], object],
) -> None:
    """``here()``, then what ``child(sink)`` writes, passed on to ``write``; the child
    runs in a forked process meanwhile. It writes into memory of its own (a pipe
    holds too little to let it run ahead), then through a pipe, from which this
    process copies it on in pieces after ``here()`` returns.

    A child that fails before writing anything runs here instead; one that fails
    after writing part of its output raises :class:`RuntimeError`."""
    if not can_fork():  # pragma: no cover - every supported Unix has fork
        here()
        _run_into(child, write)
        return
    read, pipe_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow it)
        status = 1
        try:
            os.close(read)
            buffer = io.BytesIO()
            child(buffer)
            with os.fdopen(pipe_write, "wb") as pipe:
                pipe.write(buffer.getbuffer())
            status = 0
        finally:
            os._exit(status)
    os.close(pipe_write)
    passed = 0
    try:
        here()
    finally:
        with os.fdopen(read, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                write(chunk)
                passed += len(chunk)
        _, status = os.waitpid(pid, 0)
    if status != 0:  # pragma: no cover - a failed child
        if passed:
            raise RuntimeError("a forked writer failed after writing part of its output")
        _run_into(child, write)


def _run_into(child: Callable[[IO[bytes]], object], write: Callable[[bytes], object]) -> None:
    buffer = io.BytesIO()
    child(buffer)
    write(buffer.getvalue())


def shared_array(shape: tuple[int, ...], dtype: Any) -> npt.NDArray[Any]:
    """A new array in memory shared with the children forked afterwards: what a child
    writes into it is seen here (an anonymous shared mapping, freed with the array)."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buffer = mmap.mmap(-1, max(1, size))
    return np.frombuffer(buffer, dtype=dtype, count=int(np.prod(shape))).reshape(shape)
