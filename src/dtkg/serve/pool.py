"""A pool of query worker processes, leased one job at a time, killed and replaced when a job goes wrong.

Each worker is ``python -m dtkg.serve.worker`` over the same read-only on-disk store. A job
that runs out of time, whose client leaves, or that kills its worker leaves the worker
"unclean": it is killed (so its work really stops) and a fresh one is started in its place.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import replace

from dtkg.errors import ServeError
from dtkg.serve import frames
from dtkg.serve.frames import Frame
from dtkg.serve.jobs import Job
from dtkg.serve.worker import WorkerConfig

log = logging.getLogger("uvicorn.error")
START_TIMEOUT = 60.0
RESPAWN_DELAY = 1.0


class Busy(Exception):
    """No worker became free before the deadline."""


class Worker:
    """One worker process: send it a job, read its frames, kill it."""

    def __init__(self, process: asyncio.subprocess.Process, number: int, store: str = "") -> None:
        self.process = process
        self.number = number
        self.store = store  # the store folder it reads
        self.clean = True
        self.errors: deque[str] = deque(maxlen=20)
        self._stderr = asyncio.ensure_future(self._read_stderr())

    @classmethod
    async def spawn(cls, config: WorkerConfig, number: int) -> "Worker":
        """A started worker that has opened the store, or a :class:`ServeError` saying why it could not."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dtkg.serve.worker", config.to_json(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
        )
        worker = cls(process, number, config.store)
        try:
            frame = await asyncio.wait_for(worker.receive(), START_TIMEOUT)
        except TimeoutError:
            frame = None
        if frame is None or frame.kind != frames.READY:
            worker.kill()
            await worker.wait()
            reason = frame.payload.decode(errors="replace") if frame is not None else worker.last_error() or "no answer"
            raise ServeError(f"a query worker could not start: {reason}")
        return worker

    async def _read_stderr(self) -> None:
        """Log what the worker writes to stderr, keeping the last lines to explain a crash."""
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self.errors.append(text)
            log.warning("query worker %d: %s", self.number, text)

    def last_error(self) -> str | None:
        """The last line the worker wrote to stderr, if any."""
        return self.errors[-1] if self.errors else None

    async def send(self, job: Job) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(frames.pack(frames.JOB, pickle.dumps(job)))
        await self.process.stdin.drain()

    async def reopen(self, store: str) -> None:
        """Make the (idle) worker read ``store`` from now on; a :class:`ServeError` if it cannot."""
        assert self.process.stdin is not None
        self.process.stdin.write(frames.pack(frames.OPEN, store.encode()))
        await self.process.stdin.drain()
        try:
            frame = await asyncio.wait_for(self.receive(), START_TIMEOUT)
        except TimeoutError:
            frame = None
        if frame is None or frame.kind != frames.READY:
            reason = frame.payload.decode(errors="replace") if frame is not None else "no answer"
            raise ServeError(f"a query worker could not open {store}: {reason}")
        self.store = store

    async def receive(self) -> Frame | None:
        """The next frame, or None when the worker is gone."""
        assert self.process.stdout is not None
        return await frames.receive_frame(self.process.stdout)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        """Stop the worker at once (SIGKILL): whatever it computes stops with it."""
        self.clean = False
        if self.process.returncode is None:
            with suppress(ProcessLookupError):
                self.process.kill()

    async def wait(self) -> int:
        """Wait for the worker to exit and for its last stderr lines; its exit code."""
        # asyncio reports the exit only once every pipe is closed: read what is left of stdout to its end
        # (a job cut short may have left the pipe full, and then its end is never seen)
        assert self.process.stdout is not None
        while await self.process.stdout.read(frames.CHUNK):
            pass
        code = await self.process.wait()
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._stderr), 1.0)
        return code


class WorkerPool:
    """``size`` workers over one store; :meth:`lease` lends one for a job."""

    def __init__(self, config: WorkerConfig, *, size: int) -> None:
        self.config = config
        self.size = size
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._all: set[Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._closed = False
        self._numbers = iter(range(1, sys.maxsize))
        self._lock: asyncio.Lock | None = None

    async def start(self) -> None:
        """Start the workers (once); a :class:`ServeError` if they cannot open the store."""
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._started:
                return
            results = await asyncio.gather(
                *(Worker.spawn(self.config, next(self._numbers)) for _ in range(self.size)), return_exceptions=True
            )
            workers = [r for r in results if isinstance(r, Worker)]
            failures = [r for r in results if not isinstance(r, Worker)]
            if failures:
                for worker in workers:
                    worker.kill()
                raise failures[0] if isinstance(failures[0], ServeError) else ServeError(str(failures[0]))
            for worker in workers:
                self._add(worker)
            self._started = True

    async def close(self) -> None:
        """Kill every worker and stop replacing them."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            with suppress(Exception):
                await asyncio.wait_for(worker.wait(), 5.0)
        self._all.clear()

    @asynccontextmanager
    async def lease(self, timeout: float) -> AsyncIterator[Worker]:
        """A free worker (waiting at most ``timeout`` seconds, else :class:`Busy`), returned or replaced after."""
        await self.start()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                remaining = deadline - asyncio.get_running_loop().time()
                worker = await asyncio.wait_for(self._idle.get(), max(remaining, 0.001))
            except TimeoutError:
                raise Busy() from None
            if not worker.alive:
                log.warning("query worker %d died while idle (exit %s); replacing it", worker.number, worker.process.returncode)
                self._replace(worker)
                continue
            if worker.store == self.config.store:
                break
            try:  # the data changed since this worker last read it: it reads the new state first
                await worker.reopen(self.config.store)
                break
            except (ServeError, BrokenPipeError, ConnectionResetError) as exc:
                log.warning("%s; replacing it", exc)
                self._replace(worker)
        worker.clean = False
        try:
            yield worker
        finally:
            if worker.clean and worker.alive and not self._closed:
                self._idle.put_nowait(worker)
            else:
                self._replace(worker)

    def switch(self, store: str) -> None:
        """Read ``store`` from now on: every job leased after this runs on it (idle workers reopen when leased)."""
        self.config = replace(self.config, store=store)

    def stores_in_use(self) -> set[str]:
        """The store folders that live workers have open."""
        return {w.store for w in self._all if w.alive}

    def _add(self, worker: Worker) -> None:
        self._all.add(worker)
        self._idle.put_nowait(worker)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` and start a fresh one in its place (in the background)."""
        worker.kill()
        self._all.discard(worker)
        if self._closed:
            return
        task = asyncio.ensure_future(self._respawn(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, dead: Worker) -> None:
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(dead.wait(), 5.0)
        while not self._closed:
            try:
                self._add(await Worker.spawn(self.config, next(self._numbers)))
                return
            except ServeError as exc:
                log.error("%s; retrying in %g s", exc, RESPAWN_DELAY)
                await asyncio.sleep(RESPAWN_DELAY)
