"""A query worker: a process that opens the on-disk store read-only and carries out jobs, one at a time.

Started by :mod:`dtkg.serve.pool` as ``python -m dtkg.serve.worker CONFIG_JSON``, it reads
``JOB`` frames on stdin and answers with frames on stdout (see :mod:`dtkg.serve.frames`).
The serving process kills it when a job runs out of time, so its work really stops; its
address space is capped so that one query cannot take the machine's memory; it dies with
the serving process (``PR_SET_PDEATHSIG``) and when its stdin closes.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import pickle
import resource
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import BinaryIO

import pyoxigraph as ox

from dtkg.serve import frames
from dtkg.serve.jobs import Head, JobFailed, execute
from dtkg.serve.site import Site

PR_SET_PDEATHSIG = 1
MEMORY_ERROR_EXIT = 3


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs: the store folder, the base IRI, its memory cap and the serving process's id."""

    store: str
    base_iri: str
    memory_mb: int
    parent_pid: int
    copy_up_to: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "WorkerConfig":
        return cls(**json.loads(text))


class FrameSink:
    """A job's answer written as frames: the head at once, the body in chunks of up to 64 KiB."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.buffer = bytearray()

    def head(self, head: Head) -> None:
        self.send(frames.HEAD, pickle.dumps(head))

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= frames.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.send(frames.DATA, bytes(self.buffer))
            self.buffer.clear()

    def send(self, kind: bytes, payload: bytes = b"") -> None:
        self.out.write(frames.pack(kind, payload))
        self.out.flush()


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent dies; exit now if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the closed stdin still ends the worker between jobs
    if os.getppid() != parent_pid:
        os._exit(0)


def cap_memory(megabytes: int) -> None:
    """Cap the address space at what the process uses now plus ``megabytes`` (Linux; elsewhere a no-op)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            used_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    limit = used_kb * 1024 + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def in_memory(disk: ox.Store, *, up_to: int) -> ox.Store:
    """An in-memory copy of ``disk`` if it holds at most ``up_to`` quads (small queries run several
    times faster in memory), else ``disk`` itself; never reads more than ``up_to + 1`` quads to tell."""
    if up_to <= 0:
        return disk
    copy = ox.Store()
    copy.extend(itertools.islice(disk.quads_for_pattern(None, None, None, None), up_to + 1))
    return copy if len(copy) <= up_to else disk


def serve_jobs(
    store: ox.Store, site: Site, jobs: BinaryIO, out: BinaryIO, opener: Callable[[str], ox.Store] | None = None
) -> int:
    """Carry out jobs until stdin closes (an ``OPEN`` frame switches to another store folder); the exit code."""
    while (frame := frames.read_frame(jobs)) is not None:
        sink = FrameSink(out)
        if frame.kind == frames.OPEN and opener is not None:
            path = frame.payload.decode()
            try:
                store = opener(path)
            except (OSError, ValueError) as exc:
                sink.send(frames.FATAL, f"cannot open the store {path}: {exc}".encode())
                return 2
            sink.send(frames.READY)
            continue
        sink.send(frames.STARTED)
        try:
            execute(store, site, pickle.loads(frame.payload), sink)
            sink.flush()
            sink.send(frames.END)
        except JobFailed as exc:
            sink.send(frames.FAILED, pickle.dumps((exc.status, exc.message)))
        except MemoryError:
            return MEMORY_ERROR_EXIT  # the serving process reports it, and replaces this worker
        except Exception as exc:  # a bug: say so, log it, and keep serving
            traceback.print_exc(file=sys.stderr)
            failure = (500, f"internal error while answering: {type(exc).__name__}: {exc}")
            sink.send(frames.FAILED, pickle.dumps(failure))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a worker with the JSON config given as its one argument."""
    config = WorkerConfig.from_json((argv if argv is not None else sys.argv[1:])[0])
    die_with_parent(config.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the serving process decides when workers stop
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the frames

    def opener(path: str) -> ox.Store:
        return in_memory(ox.Store.read_only(path), up_to=config.copy_up_to)

    try:
        store = opener(config.store)
    except (OSError, ValueError) as exc:
        FrameSink(out).send(frames.FATAL, f"cannot open the store {config.store}: {exc}".encode())
        return 2
    cap_memory(config.memory_mb)
    FrameSink(out).send(frames.READY)
    return serve_jobs(store, Site(config.base_iri), sys.stdin.buffer, out, opener)


if __name__ == "__main__":
    raise SystemExit(main())
