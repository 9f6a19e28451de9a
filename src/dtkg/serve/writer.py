"""The one writer: a process that holds the on-disk store open for writing, and its handle in the server.

pyoxigraph says that opening a store read-only while another process writes to it is undefined
behaviour, so readers never open the store the writer writes. Instead, after each committed
write the writer flushes the store (so the write is durable) and makes a checkpoint of it into a
new snapshot folder (RocksDB hard-links the table files, so this takes milliseconds); the query
workers then read that snapshot, each reopening it before its next job (see
:meth:`dtkg.serve.pool.WorkerPool.switch`). A snapshot no worker reads any more is deleted.

Each write is one transaction: if it fails, or runs past the time limit and its process is killed,
nothing of it is written; the writer is started again (RocksDB recovers from its log) for the next.

Started as ``python -m dtkg.serve.writer CONFIG_JSON``; it answers ``READY``, then per ``JOB``
frame (a pickled write job, or None for a snapshot only, and the snapshot folder to make) an
``END`` frame with the pickled :class:`dtkg.serve.writes.WriteResult`, or ``FAILED``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import shutil
import signal
import sys
import traceback
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import ServeError
from dtkg.serve import frames, limits
from dtkg.serve.worker import MEMORY_ERROR_EXIT, FrameSink, cap_memory, die_with_parent
from dtkg.serve.writes import WriteFailed, WriteJob, WriteResult, apply

log = logging.getLogger("uvicorn.error")
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class WriterConfig:
    """The store folder to write, the base IRI, the memory cap and the serving process's id."""

    store: str
    base_iri: str
    memory_mb: int
    parent_pid: int

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def serve_writes(store: ox.Store, base_iri: str, jobs: object, out: FrameSink) -> int:
    """Carry out write jobs until stdin closes; the exit code."""
    while (frame := frames.read_frame(jobs)) is not None:  # type: ignore[arg-type]
        job, snapshot = pickle.loads(frame.payload)
        try:
            result = apply(store, job, base_iri=base_iri) if job is not None else WriteResult(204)
            store.flush()
            if snapshot:
                store.backup(snapshot)
            out.send(frames.END, pickle.dumps(result))
        except WriteFailed as exc:
            out.send(frames.FAILED, pickle.dumps((exc.status, exc.message)))
        except MemoryError:
            return MEMORY_ERROR_EXIT
        except Exception as exc:  # a bug or a disk problem: say so, and keep serving
            traceback.print_exc(file=sys.stderr)
            if snapshot:
                shutil.rmtree(snapshot, ignore_errors=True)
            out.send(frames.FAILED, pickle.dumps((500, f"the write failed: {type(exc).__name__}: {exc}")))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the writer with the JSON config given as its one argument."""
    config = WriterConfig(**json.loads((argv if argv is not None else sys.argv[1:])[0]))
    die_with_parent(config.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = FrameSink(os.fdopen(os.dup(1), "wb"))
    os.dup2(2, 1)
    try:
        store = ox.Store(config.store)
    except (OSError, ValueError) as exc:
        out.send(frames.FATAL, f"cannot open the store {config.store} for writing: {exc}".encode())
        return 2
    cap_memory(config.memory_mb)
    out.send(frames.READY)
    return serve_writes(store, config.base_iri, sys.stdin.buffer, out)


class Writer:
    """The serving process's handle on the writer process: one write at a time, each with a deadline."""

    def __init__(self, config: WriterConfig, *, timeout: float) -> None:
        self.config = config
        self.timeout = timeout
        self._process: asyncio.subprocess.Process | None = None
        self._errors: deque[str] = deque(maxlen=20)
        self._reader: asyncio.Task[None] | None = None

    async def _ensure(self) -> asyncio.subprocess.Process:
        if self._process is not None and self._process.returncode is None:
            return self._process
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dtkg.serve.writer", self.config.to_json(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
        )
        assert process.stdout is not None
        self._reader = asyncio.ensure_future(self._read_stderr(process))
        try:
            frame = await asyncio.wait_for(frames.receive_frame(process.stdout), START_TIMEOUT)
        except TimeoutError:
            frame = None
        if frame is None or frame.kind != frames.READY:
            await self._kill(process)
            reason = frame.payload.decode(errors="replace") if frame is not None else self.last_error()
            raise ServeError(f"the store's writer could not start: {reason}", path=self.config.store,
                             fix="check that the store folder is writable and that no other program has it open")
        self._process = process
        return process

    async def run(self, job: WriteJob | None, snapshot: Path) -> WriteResult:
        """Carry out ``job`` (None: only make a snapshot), then snapshot the store into ``snapshot``."""
        from dtkg.serve.jobs import JobFailed

        process = await self._ensure()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(frames.pack(frames.JOB, pickle.dumps((job, str(snapshot)))))
        await process.stdin.drain()
        try:
            frame = await asyncio.wait_for(frames.receive_frame(process.stdout), self.timeout)
        except TimeoutError:
            await self._kill(process)
            shutil.rmtree(snapshot, ignore_errors=True)
            raise JobFailed(limits.TIMEOUT_STATUS, limits.timed_out(self.timeout).replace("query", "update", 1)) \
                from None
        if frame is None:
            code = await process.wait()
            shutil.rmtree(snapshot, ignore_errors=True)
            if code == MEMORY_ERROR_EXIT:
                raise JobFailed(limits.MEMORY_STATUS, limits.out_of_memory(self.config.memory_mb))
            raise JobFailed(limits.CRASH_STATUS, f"the writer died (exit {code}) and nothing was written: "
                                                 f"{self.last_error()}")
        if frame.kind == frames.FAILED:
            status, message = pickle.loads(frame.payload)
            raise JobFailed(status, message)
        result: WriteResult = pickle.loads(frame.payload)
        return result

    async def _read_stderr(self, process: asyncio.subprocess.Process) -> None:
        """Log what the writer writes to stderr, keeping the last lines to explain a failure."""
        assert process.stderr is not None
        while line := await process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self._errors.append(text)
            log.warning("store writer: %s", text)

    def last_error(self) -> str:
        return self._errors[-1] if self._errors else "no answer"

    async def close(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()  # the writer ends between jobs and closes the store cleanly
            try:
                await asyncio.wait_for(self._process.wait(), 10.0)
            except TimeoutError:
                await self._kill(self._process)

    @staticmethod
    async def _kill(process: asyncio.subprocess.Process) -> None:
        if process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass
        await process.wait()


if __name__ == "__main__":
    raise SystemExit(main())
