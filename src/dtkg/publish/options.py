"""What a publish run is told: the store's URLs, credentials and switches, in one frozen object.

Credentials come from an environment variable or a file, never from the command line, and a
:class:`Credentials` never shows its secret (``repr`` and ``str`` mask it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dtkg.errors import UsageError
from dtkg.publish.profiles import AuthScheme, StoreKind, StoreProfile


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """A user and password (basic or digest), or a bearer token; the secret is never shown."""

    secret: str = field(repr=False)
    user: str | None = None
    scheme: AuthScheme | None = None

    def __post_init__(self) -> None:
        if self.scheme is AuthScheme.BEARER and self.user is not None:
            raise UsageError("a bearer token goes without a user", fix="drop --user, or use --auth basic/digest")
        if self.scheme is not AuthScheme.BEARER and self.user is None:
            raise UsageError("a password was given without a user", fix="give --user too")

    def __str__(self) -> str:
        return f"{self.scheme.value if self.scheme else 'auto'} credentials" + (f" of user {self.user!r}" if self.user else "")


def credentials_from(
    *,
    user: str | None = None,
    auth: AuthScheme | None = None,
    password_env: str | None = None,
    password_file: Path | None = None,
    token_env: str | None = None,
) -> Credentials | None:
    """The credentials the options name, read from the environment or a file; None for none."""
    if password_env and password_file:
        raise UsageError("give the password once", fix="use either --password-env or --password-file")
    if token_env and (password_env or password_file or user):
        raise UsageError("a bearer token goes without a user or password", fix="use either --token-env or --user with a password")
    if token_env:
        if auth not in (None, AuthScheme.BEARER):
            raise UsageError(f"--token-env sends a bearer token, not {auth.value} credentials", fix="drop --auth or use --auth bearer")
        return Credentials(secret=_from_env(token_env, "token"), scheme=AuthScheme.BEARER)
    if auth is AuthScheme.BEARER:
        raise UsageError("--auth bearer needs a token", fix="give --token-env VAR naming the environment variable that holds it")
    if password_env or password_file:
        if user is None:
            raise UsageError("a password was given without a user", fix="give --user too")
        secret = _from_env(password_env, "password") if password_env else _from_file(password_file)  # type: ignore[arg-type]
        return Credentials(secret=secret, user=user, scheme=auth)
    if user is not None:
        raise UsageError(
            f"no password for user {user!r}",
            fix="put it in an environment variable and give --password-env VAR, or in a file and give --password-file FILE",
        )
    return None


def _from_env(name: str, what: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"the environment variable {name} that should hold the {what} is not set or empty", fix=f"export {name}=… before running dtkg")
    return value


def _from_file(path: Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the password file: {exc.strerror or exc}", path=str(path), fix="give a readable file holding only the password") from None
    secret = text.rstrip("\r\n")
    if not secret:
        raise UsageError("the password file is empty", path=str(path), fix="write the password into it")
    return secret


@dataclass(frozen=True, kw_only=True)
class PublishSettings:
    """Everything a publish run needs besides the dataset file.

    ``endpoint`` is the store's SPARQL query URL; ``update`` and ``graph_store`` default to the
    store's conventions; ``store_kind`` may also be a :class:`StoreProfile` with other limits. ``retries`` bounds the attempts after a 5xx or a dropped connection,
    waiting ``backoff`` seconds, then twice that, and so on. ``index_cache`` is the folder
    where the index of a dataset file is kept between runs (True: ``.dtkg-cache`` beside the
    dataset, as for ``dtkg build``; False: keep none).
    """

    endpoint: str
    update: str | None = None
    graph_store: str | None = None
    store_kind: StoreKind | StoreProfile = StoreKind.AUTO
    credentials: Credentials | None = None
    prune: bool = False
    dry_run: bool = False
    verify: bool = False
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5
    index_cache: Path | bool = True

    def __post_init__(self) -> None:
        for name, url in (("--endpoint", self.endpoint), ("--update", self.update), ("--graph-store", self.graph_store)):
            if url is not None and not url.startswith(("http://", "https://")):
                raise UsageError(f"{name} {url!r} is not an http(s) URL", fix=f"for example {name} http://127.0.0.1:7878/{_EXAMPLE[name]}")
        if self.timeout <= 0:
            raise UsageError(f"--timeout must be positive, not {self.timeout}")
        if self.retries < 0 or self.backoff < 0:
            raise UsageError("retries and backoff cannot be negative")


_EXAMPLE = {"--endpoint": "query", "--update": "update", "--graph-store": "store"}
