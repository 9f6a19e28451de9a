"""Messages between the serving process and its query workers: typed, length-prefixed frames over pipes.

A frame is one kind byte, a 4-byte big-endian length and the payload. The serving process
sends ``JOB`` frames (a pickled job); a worker answers ``READY`` once at start (or ``FATAL``
with the reason it cannot), then per job ``STARTED`` as soon as it has read it, a ``HEAD``,
``DATA`` frames and ``END``, or ``FAILED`` (a pickled status and message) at any point.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass
from typing import BinaryIO

JOB, READY, FATAL, STARTED, HEAD, DATA, END, FAILED = b"J", b"R", b"X", b"S", b"H", b"D", b"E", b"F"
OPEN = b"O"  # serving process → worker: read this store folder from now on (answered READY or FATAL)
HEADER = struct.Struct(">cI")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Frame:
    """One message: its kind and payload."""

    kind: bytes
    payload: bytes


def pack(kind: bytes, payload: bytes = b"") -> bytes:
    """The bytes of one frame."""
    return HEADER.pack(kind, len(payload)) + payload


def read_frame(stream: BinaryIO) -> Frame | None:
    """The next frame from a blocking stream, or None at its end."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    kind, size = HEADER.unpack(header)
    payload = _read_exactly(stream, size) if size else b""
    return None if payload is None else Frame(kind, payload)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


async def receive_frame(reader: asyncio.StreamReader) -> Frame | None:
    """The next frame from an asyncio stream, or None when the other end closed it."""
    try:
        kind, size = HEADER.unpack(await reader.readexactly(HEADER.size))
        payload = await reader.readexactly(size) if size else b""
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    return Frame(kind, payload)
