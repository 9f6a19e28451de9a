"""HTTP to one store, via httpx: queries, updates and N-Quads posts, with retries and clean errors.

Every request is retried after a 5xx answer (unless the profile knows it as the store's final
word) or a dropped connection, waiting ``backoff`` seconds, then twice that, and so on. A
request that still fails raises :class:`StoreRefused` (the store answered no: its status and
its own words) or :class:`StoreUnreachable` (no answer). No message carries a credential:
URLs lose their user-info and the secret is masked wherever it would appear.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from dtkg import __version__
from dtkg.errors import PublishError
from dtkg.publish.options import Credentials
from dtkg.publish.profiles import AuthScheme, StoreProfile

NQUADS = "application/n-quads"
NTRIPLES = "application/n-triples"
SPARQL_UPDATE = "application/sparql-update; charset=utf-8"
SPARQL_JSON = "application/sparql-results+json"
NTRIPLES_ACCEPT = "application/n-triples, text/plain;q=0.9"
MESSAGE_LIMIT = 300
MAX_WAIT = 8.0


class StoreRefused(PublishError):
    """The store answered a request with an error status."""

    def __init__(self, message: str, *, url: str, status: int, store_message: str, fix: str | None) -> None:
        super().__init__(message, fix=fix)
        self.url = url
        self.status = status
        self.store_message = store_message

    @property
    def final(self) -> bool:
        """Whether every further request would be refused alike (credentials, wrong URL)."""
        return self.status in {401, 403, 404, 405}


class StoreUnreachable(PublishError):
    """The store did not answer (connection refused or dropped, or no answer in time)."""


def public_url(url: str) -> str:
    """The URL without any user-info, fit to be shown."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["authorization"] = self._header
        yield request


def _auth(credentials: Credentials | None, default: AuthScheme) -> httpx.Auth | None:
    if credentials is None:
        return None
    scheme = credentials.scheme or default
    if scheme is AuthScheme.BEARER:
        return _Bearer(credentials.secret)
    user = credentials.user or ""
    return httpx.DigestAuth(user, credentials.secret) if scheme is AuthScheme.DIGEST else httpx.BasicAuth(user, credentials.secret)


@dataclass(kw_only=True)
class Connection:
    """An HTTP session with one store: its profile, credentials, timeouts and retry policy."""

    profile: StoreProfile
    credentials: Credentials | None
    timeout: float
    retries: int
    backoff: float
    retried: int = 0
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            timeout=self.timeout,
            headers={"user-agent": f"dtkg/{__version__}"},
            auth=_auth(self.credentials, self.profile.auth),
        )

    def close(self) -> None:
        self.client.close()

    def use(self, profile: StoreProfile) -> None:
        """Talk to the store as ``profile`` says (its authentication scheme in particular)."""
        self.profile = profile
        auth = _auth(self.credentials, profile.auth)
        if auth is not None:
            self.client.auth = auth

    # --- requests --------------------------------------------------------------------------

    def probe(self, url: str) -> httpx.Response:
        """GET the query endpoint once (its ``Server`` header names the store)."""
        return self.request("GET", url, accept_any=True)

    def select(self, url: str, query: str) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query (SPARQL 1.1 Protocol, POST form, JSON results)."""
        response = self.request("POST", url, data={"query": query}, headers={"accept": SPARQL_JSON})
        try:
            return list(json.loads(response.content)["results"]["bindings"])
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(
                f"{public_url(url)} did not answer a SELECT query with SPARQL JSON results ({self.clean(response.text[:120])!r})",
                fix="--endpoint must be the store's SPARQL query URL",
            ) from exc

    def construct(self, url: str, query: str) -> bytes:
        """The N-Triples answer of a CONSTRUCT query."""
        return self.request("POST", url, data={"query": query}, headers={"accept": NTRIPLES_ACCEPT}).content

    def update(self, url: str, text: str, *, retry: bool = True) -> None:
        """Send one SPARQL Update request (form-encoded where the profile says so); ``retry`` False: once."""
        if self.profile.update_as_form:
            self.request("POST", url, retry=retry, data={"update": text})
        else:
            self.request("POST", url, retry=retry, content=text.encode("utf-8"), headers={"content-type": SPARQL_UPDATE})

    def put_graph(self, url: str, graph: str, ntriples: bytes) -> None:
        """Replace one graph with an N-Triples document through the graph store URL."""
        target = str(httpx.URL(url).copy_merge_params({self.profile.graph_param: graph}))
        body = self.profile.graph_put_prologue + ntriples
        self.request("PUT", target, content=body, headers={"content-type": self.profile.graph_put_type})

    def post_nquads(self, url: str, body: bytes) -> None:
        """Add an N-Quads document to the store through its graph store URL."""
        target = str(httpx.URL(url).copy_merge_params({self.profile.bulk_query: ""})) if self.profile.bulk_query else url
        self.request("POST", target, content=body, headers={"content-type": NQUADS})

    def request(self, method: str, url: str, *, accept_any: bool = False, retry: bool = True, **kwargs: Any) -> httpx.Response:
        """One request, retried with growing waits after a 5xx or a dropped connection (unless not ``retry``)."""
        retries = self.retries if retry else 0
        attempt = 0
        while True:
            try:
                response = self.client.request(method, url, **kwargs)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise PublishError(f"cannot send to {public_url(url)}: {self.clean(str(exc))}", fix="check the URL") from None
            except httpx.TransportError as exc:
                if attempt >= retries:
                    raise self._unreachable(url, exc) from None
                self.pause(attempt)
            else:
                if accept_any or response.is_success:
                    return response
                text = self.clean(response.text)
                if attempt >= retries or not self.profile.retry_worthy(response.status_code, text):
                    raise self._refused(method, url, response, text)
                self.pause(attempt, response.headers.get("retry-after"))
            attempt += 1

    # --- errors ----------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """``text`` with the secret masked (a store may echo what it was sent)."""
        if self.credentials is not None and self.credentials.secret:
            text = text.replace(self.credentials.secret, "***")
        return text

    def pause(self, attempt: int, retry_after: str | None = None) -> None:
        """Wait before attempt ``attempt + 1``: ``backoff`` seconds doubled each time (or as the store asks)."""
        self.retried += 1
        delay = min(MAX_WAIT, self.backoff * (2**attempt))
        if retry_after and retry_after.isdigit():
            delay = min(MAX_WAIT, max(delay, float(retry_after)))
        time.sleep(delay)

    def _unreachable(self, url: str, exc: httpx.TransportError) -> StoreUnreachable:
        if isinstance(exc, httpx.TimeoutException):
            what = f"no answer within {self.timeout:g}s"
            fix = "raise --timeout if the store is slow, or check that it is not overloaded"
        else:
            what = self.clean(str(exc)) or type(exc).__name__
            fix = "is the store running at that address? check --endpoint, --update and --graph-store"
        tries = f" (after {self.retries + 1} attempts)" if self.retries else ""
        return StoreUnreachable(f"cannot reach {public_url(url)}: {what}{tries}", fix=fix)

    def _refused(self, method: str, url: str, response: httpx.Response, text: str) -> StoreRefused:
        said = store_words(text) or response.reason_phrase
        status = response.status_code
        return StoreRefused(
            f"{method} {public_url(url)}: HTTP {status}: {said}",
            url=public_url(url),
            status=status,
            store_message=said,
            fix=fix_for(status, self.profile, authenticated=self.credentials is not None, text=said),
        )


def store_words(text: str) -> str:
    """The store's message, on one line and short (Virtuoso's echo of the whole query cut off)."""
    text = re.split(r"\bSPARQL query:", text, maxsplit=1)[0]
    text = re.sub(r"<[^>]+>", " ", text) if text.lstrip().startswith("<") else text
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def fix_for(status: int, profile: StoreProfile, *, authenticated: bool, text: str = "") -> str:
    """What usually cures an HTTP error status from a store."""
    if not authenticated and ("No permission" in text or "SR186" in text):
        return (
            "this store lets only accounts allowed to update write (Virtuoso: the SPARQL_UPDATE role, e.g. dba): "
            "give --user and --password-env VAR or --password-file FILE"
        )
    if status == 401:
        if not authenticated:
            return "the store wants credentials: give --user and --password-env VAR or --password-file FILE (or --token-env VAR)"
        return "the store refused these credentials: check --user and the password (or token) the options point at, and --auth"
    if status == 403:
        return "this account may not write here: use an account allowed to update (Virtuoso: one with the SPARQL_UPDATE role, such as dba)"
    if status in {404, 405, 501}:
        return (
            "this URL does not take writes: give the right --update URL (Oxigraph …/update, Fuseki …/DATASET/update, "
            "Virtuoso …/sparql-auth) or --graph-store URL (Oxigraph …/store, Fuseki …/DATASET/data)"
        )
    if status == 413:
        return "the request is too large for this store: raise its request size limit"
    if status == 400:
        return "the store rejected the request; its message above says why"
    return "see the store's log"
