"""Where jobs run, and the HTTP response that runs one.

- :class:`WorkerEngine` (what ``dtkg serve`` uses): each job in a worker process over the
  on-disk store, with a deadline; a job past it, or whose client left, has its worker killed,
  so its CPU and memory are freed at once, and the worker is replaced;
- :class:`InProcessEngine`: each job on a thread of this process over an in-memory store, for
  tests and embedding; nothing can stop a job there once it runs, so it has no time limit.

:class:`JobResponse` keeps up to :data:`STREAM_AFTER` bytes of an answer before sending it, so
an answer that fails or runs out of time before then still gets a proper error status; a
longer answer is streamed, and if it fails midway the connection is closed without the end
of the body, so the client cannot mistake a cut answer for a whole one.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator
from contextlib import aclosing, suppress
from typing import Any, NoReturn

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from dtkg.serve import frames, limits
from dtkg.serve.jobs import Collector, Head, Job, JobFailed, execute
from dtkg.serve.pool import Busy, Worker, WorkerPool
from dtkg.serve.responses import text
from dtkg.serve.site import Site
from dtkg.serve.worker import MEMORY_ERROR_EXIT
from dtkg.serve.writes import WriteFailed, WriteJob, WriteResult, apply

log = logging.getLogger("uvicorn.error")
STREAM_AFTER = 1024 * 1024
STOPPING = "the server is stopping, so the query was stopped (fix: send it again once the server is back)"
Event = Head | bytes


class _Retry(Exception):
    """The worker was gone before it received the job: give the job to another."""


class ClientGone(Exception):
    """The client closed the connection before its answer was complete."""


class Engine(ABC):
    """Runs jobs and yields their answer: a :class:`Head`, then body chunks; :class:`JobFailed` if it cannot.

    An engine that can write (``writable``) also carries out write jobs (see :mod:`dtkg.serve.writes`).
    """

    writable = False
    generation = 0  # how many writes were made since the start

    async def write(self, job: WriteJob) -> WriteResult:
        """Carry out a write job; :class:`JobFailed` if it cannot be (here: never, this engine only reads)."""
        raise JobFailed(405, "this server only reads")

    async def start(self) -> None:
        """Get ready to run jobs (at application startup)."""

    async def close(self) -> None:
        """Stop, freeing what was started (at application shutdown)."""

    @abstractmethod
    def run(self, job: Job, *, gone: asyncio.Event | None = None) -> AsyncGenerator[Event, None]:
        """The answer to ``job``; stops with :class:`ClientGone` once ``gone`` is set."""


class InProcessEngine(Engine):
    """Jobs on a thread of this process, over an in-memory (or any) pyoxigraph store; no time limit."""

    def __init__(self, store: ox.Store, site: Site, *, writable: bool = False) -> None:
        self.store = store
        self.site = site
        self.writable = writable
        self._writing: asyncio.Lock | None = None

    async def write(self, job: WriteJob) -> WriteResult:
        """Carry out a write job on the store, one at a time."""
        if not self.writable:
            return await super().write(job)
        self._writing = self._writing or asyncio.Lock()
        async with self._writing:
            try:
                result = await run_in_threadpool(apply, self.store, job, base_iri=self.site.base_iri)
            except WriteFailed as exc:
                raise JobFailed(exc.status, exc.message) from None
            self.generation += 1
            return result

    async def run(self, job: Job, *, gone: asyncio.Event | None = None) -> AsyncGenerator[Event, None]:
        collector, failure = await run_in_threadpool(self._collect, job)
        if failure is not None:
            raise JobFailed(*failure)
        assert collector.answer_head is not None
        yield collector.answer_head
        yield collector.body

    def _collect(self, job: Job) -> tuple[Collector, tuple[int, str] | None]:
        """The answer, or the failure's status and message (pyoxigraph's results must be dropped on this thread,
        so no exception whose traceback holds them may leave it)."""
        collector = Collector()
        try:
            execute(self.store, self.site, job, collector)
        except JobFailed as exc:
            return collector, (exc.status, exc.message)
        return collector, None


class WorkerEngine(Engine):
    """Jobs in worker processes, each given ``timeout`` seconds (waiting for a free worker included)."""

    def __init__(self, pool: WorkerPool, *, timeout: float, memory_mb: int) -> None:
        self.pool = pool
        self.timeout = timeout
        self.memory_mb = memory_mb

    def reading_store(self) -> str:
        """The store folder the query workers read now."""
        return self.pool.config.store

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    def run(self, job: Job, *, gone: asyncio.Event | None = None) -> AsyncGenerator[Event, None]:
        return self._run(job, gone=gone, retries=self.pool.size)

    async def _run(self, job: Job, *, gone: asyncio.Event | None, retries: int) -> AsyncGenerator[Event, None]:
        deadline = asyncio.get_running_loop().time() + self.timeout
        try:
            async with self.pool.lease(self.timeout) as worker:
                try:
                    await worker.send(job)
                    started = await self._next(worker, deadline, gone, blame=False)
                except (BrokenPipeError, ConnectionResetError, _Retry):  # it died before it got the job
                    raise _Retry() from None
                assert started.kind == frames.STARTED, started.kind
                while True:
                    frame = await self._next(worker, deadline, gone)
                    if frame.kind == frames.HEAD:
                        yield pickle.loads(frame.payload)
                    elif frame.kind == frames.DATA:
                        yield frame.payload
                    elif frame.kind == frames.END:
                        worker.clean = True
                        return
                    elif frame.kind == frames.FAILED:
                        worker.clean = True
                        status, message = pickle.loads(frame.payload)
                        raise JobFailed(status, message)
        except Busy:
            raise JobFailed(limits.BUSY_STATUS, limits.busy(self.pool.size, self.timeout)) from None
        except _Retry:
            if retries <= 0:
                raise JobFailed(limits.CRASH_STATUS, "the query workers keep dying before they get a query "
                                "(fix: see the server's log)") from None
            log.warning("a query worker had died before it was given a query; trying another")
            async for event in self._run(job, gone=gone, retries=retries - 1):
                yield event

    async def _next(
        self, worker: Worker, deadline: float, gone: asyncio.Event | None, *, blame: bool = True
    ) -> frames.Frame:
        """The worker's next frame; the worker is killed if the deadline passes, the client leaves or it dies
        (when it dies, :class:`JobFailed` says why, or, unless ``blame``, :class:`_Retry`)."""
        receiving = asyncio.ensure_future(worker.receive())
        waiters: set[asyncio.Future[Any]] = {receiving}
        leaving = asyncio.ensure_future(gone.wait()) if gone is not None else None
        if leaving is not None:
            waiters.add(leaving)
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            done, _ = await asyncio.wait(waiters, timeout=max(remaining, 0), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                if not waiter.done():
                    waiter.cancel()
        if receiving in done:
            frame = receiving.result()
            if frame is not None:
                return frame
            if not blame:
                worker.kill()
                raise _Retry()
            await self._died(worker)
        worker.kill()
        if leaving is not None and leaving in done:
            raise ClientGone()
        log.warning("query stopped at the %g s limit (its worker was killed and is being replaced)", self.timeout)
        raise JobFailed(limits.TIMEOUT_STATUS, limits.timed_out(self.timeout))


    async def _died(self, worker: Worker) -> NoReturn:
        """Say why the worker died under a job: out of memory, or a crash."""
        worker.clean = False
        code = await worker.wait()
        if code == MEMORY_ERROR_EXIT or any("memory allocation" in line for line in worker.errors):
            log.warning("a query ran out of its %d MiB (its worker is being replaced)", self.memory_mb)
            raise JobFailed(limits.MEMORY_STATUS, limits.out_of_memory(self.memory_mb))
        log.error("a query crashed its worker (exit %s; it is being replaced)", code)
        raise JobFailed(limits.CRASH_STATUS, limits.crashed(code, worker.last_error()))


async def fetch(engine: Engine, job: Job) -> tuple[Head, bytes]:
    """The whole answer to ``job`` (for the server's own use: small answers only)."""
    head: Head | None = None
    chunks: list[bytes] = []
    async with aclosing(engine.run(job)) as events:
        async for event in events:
            if isinstance(event, Head):
                head = event
            else:
                chunks.append(event)
    assert head is not None
    return head, b"".join(chunks)


class JobResponse(Response):
    """The answer to a job, run when the response is sent (see the module docstring)."""

    def __init__(self, engine: Engine, job: Job) -> None:
        super().__init__(status_code=200)
        self.engine = engine
        self.job = job

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(receive, gone))
        try:
            await self._answer(scope, receive, send, gone)
        finally:
            watcher.cancel()
            with suppress(asyncio.CancelledError):
                await watcher

    async def _answer(self, scope: Scope, receive: Receive, send: Send, gone: asyncio.Event) -> None:
        head: Head | None = None
        kept: list[bytes] = []
        size, streaming = 0, False
        try:
            async with aclosing(self.engine.run(self.job, gone=gone)) as events:
                async for event in events:
                    if isinstance(event, Head):
                        head = event
                    elif streaming:
                        await send({"type": "http.response.body", "body": event, "more_body": True})
                    else:
                        kept.append(event)
                        size += len(event)
                        if size > STREAM_AFTER and head is not None:
                            await _start(send, head)
                            await send({"type": "http.response.body", "body": b"".join(kept), "more_body": True})
                            kept, streaming = [], True
        except JobFailed as exc:
            if streaming:
                log.warning("answer cut after it started (connection closed): %s", exc.message)
                return  # no end of body: the client sees the answer is incomplete
            await text(exc.status, exc.message)(scope, receive, send)
            return
        except ClientGone:
            return
        except asyncio.CancelledError:  # the server is shutting down: the job's worker is already killed
            if not streaming:
                await text(503, STOPPING)(scope, receive, send)
            return
        if streaming:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        assert head is not None
        body = b"".join(kept)
        await Response(body, status_code=head.status, media_type=head.media_type, headers=dict(head.headers))(
            scope, receive, send
        )


async def _start(send: Send, head: Head) -> None:
    """Send the status and headers of a streamed answer."""
    headers = Response(status_code=head.status, media_type=head.media_type, headers=dict(head.headers)).raw_headers
    headers = [(k, v) for k, v in headers if k != b"content-length"]
    await send({"type": "http.response.start", "status": head.status, "headers": headers})


async def _watch_disconnect(receive: Receive, gone: asyncio.Event) -> None:
    """Set ``gone`` when the client disconnects."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return
