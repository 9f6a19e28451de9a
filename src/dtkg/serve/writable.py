"""The engine of a server started with an update token: query workers that read snapshots, and one writer.

See :mod:`dtkg.serve.writer` for why readers read snapshots: the writer holds the store; after
each committed write it checkpoints it into ``<store>/../.<store name>.snapshots.<pid>/<n>``,
the pool switches to that snapshot (every job leased after the write's answer reads it), and
the previous snapshot is deleted once no worker and no statistics job reads it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from pathlib import Path

from dtkg.errors import ServeError
from dtkg.serve.diskstore import _alive
from dtkg.serve.engine import WorkerEngine
from dtkg.serve.pool import WorkerPool
from dtkg.serve.writer import Writer
from dtkg.serve.writes import WriteJob, WriteResult

log = logging.getLogger("uvicorn.error")
RETIRE_POLL = 0.2


class WritableWorkerEngine(WorkerEngine):
    """Query workers over snapshots of ``primary``, and ``writer`` writing ``primary``."""

    writable = True

    def __init__(self, pool: WorkerPool, writer: Writer, *, primary: Path, timeout: float, memory_mb: int) -> None:
        super().__init__(pool, timeout=timeout, memory_mb=memory_mb)
        self.writer = writer
        self.primary = Path(primary).resolve()
        self.snapshots = self.primary.parent / f".{self.primary.name}.snapshots.{os.getpid()}"
        self.pinned: set[str] = set()  # snapshots read by something other than the workers
        self._numbers = iter(range(1_000_000_000))
        self._writing = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        _remove_stale(self.primary)
        try:
            self.snapshots.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ServeError(f"cannot make the snapshot folder beside the store: {exc}", path=str(self.primary),
                             fix="make the store's parent folder writable") from exc
        first = self._new_snapshot()
        await self.writer.run(None, first)
        self.pool.switch(str(first))
        await super().start()

    async def write(self, job: WriteJob) -> WriteResult:
        """Carry out ``job`` in the writer; once committed, every later job reads the new state."""
        async with self._writing:
            snapshot = self._new_snapshot()
            result = await self.writer.run(job, snapshot)
            previous = self.pool.config.store
            self.pool.switch(str(snapshot))
            self.generation += 1
            task = asyncio.ensure_future(self._retire(previous))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
            return result

    def _new_snapshot(self) -> Path:
        return self.snapshots / str(next(self._numbers))

    async def _retire(self, snapshot: str) -> None:
        """Delete ``snapshot`` once nothing reads it."""
        while snapshot in self.pool.stores_in_use() or snapshot in self.pinned:
            await asyncio.sleep(RETIRE_POLL)
        shutil.rmtree(snapshot, ignore_errors=True)

    async def close(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        await super().close()
        await self.writer.close()
        shutil.rmtree(self.snapshots, ignore_errors=True)


def _remove_stale(primary: Path) -> None:
    """Remove snapshot folders left by servers of this store that are gone."""
    for folder in primary.parent.glob(f".{primary.name}.snapshots.*"):
        pid = folder.name.rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
