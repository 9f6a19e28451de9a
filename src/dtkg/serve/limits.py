"""What the endpoint answers when a request meets one of its limits: the status and a message saying the fix."""

from __future__ import annotations

import signal

TIMEOUT_STATUS = 503
MEMORY_STATUS = 503
BUSY_STATUS = 503
CRASH_STATUS = 500
TOO_LARGE_STATUS = 413


def timed_out(seconds: float) -> str:
    """A query stopped at the time limit."""
    return (
        f"the query ran longer than this endpoint's limit of {seconds:g} s per query and was stopped "
        "(fix: make it more selective, e.g. bind more variables or add LIMIT; "
        "whoever runs the server can raise the limit with `dtkg serve --query-timeout SECONDS`)"
    )


def out_of_memory(megabytes: int) -> str:
    """A query stopped at the memory limit."""
    return (
        f"the query needed more memory than this endpoint's limit of {megabytes} MiB per query and was stopped "
        "(fix: make it more selective, e.g. bind more variables or add LIMIT; "
        "whoever runs the server can raise the limit with `dtkg serve --query-memory-mb MB`)"
    )


def busy(workers: int, seconds: float) -> str:
    """No query worker became free in time."""
    return (
        f"all {workers} query worker(s) stayed busy for {seconds:g} s, so the request was not started "
        "(fix: retry in a moment; whoever runs the server can add workers with `dtkg serve --query-workers N`)"
    )


def crashed(returncode: int | None, last_error: str | None) -> str:
    """A query whose worker process died; the server replaced it."""
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        how = f"it was killed by {name}"
        if name == "SIGSEGV":
            how += ", most likely a stack overflow on a very long or deeply nested query"
    else:
        how = f"it exited with code {returncode}" + (f" ({last_error})" if last_error else "")
    return (
        f"the query crashed the process evaluating it ({how}); the server goes on with a fresh one "
        "(fix: split the query into simpler ones)"
    )


def too_large(limit: int) -> str:
    """A request body over the size limit."""
    return (
        f"the request body is larger than this endpoint's limit of {limit} bytes "
        "(fix: send a shorter query; whoever runs the server can raise the limit with "
        "`dtkg serve --max-request-bytes N`)"
    )
