"""Rendering the pages: the language a request wants, the interface's words, and the templates.

Vietnamese by default; ``?lang=en`` (or ``?lang=vi``) switches and is remembered in a
cookie. Templates live in ``templates/web/`` (Jinja2, autoescaped); they get ``t`` (the
word for a key in the page's language), ``lang`` and ``href`` (where an IRI is shown here).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from dtkg.serve.views import TEMPLATES

LANGUAGES = ("vi", "en")
COOKIE = "lang"
MESSAGES = Path(__file__).resolve().parent / "messages.toml"


@cache
def messages() -> dict[str, dict[str, str]]:
    """The interface's words: key → language → text."""
    with MESSAGES.open("rb") as handle:
        return tomllib.load(handle)


def language(request: Request) -> str:
    """The page language: ``?lang=``, else the cookie, else Vietnamese."""
    for wanted in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if wanted in LANGUAGES:
            return wanted
    return LANGUAGES[0]


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)``: the word for ``key`` in ``lang`` (the key itself if there is none, so a gap shows)."""
    table = messages()

    def t(key: str) -> str:
        return table.get(key, {}).get(lang, key)

    return t


@dataclass(frozen=True)
class Page:
    """What every page's layout needs: language, the current path and query, the search box's text."""

    lang: str
    path: str
    params: Mapping[str, str]
    q: str = ""

    def switch(self) -> str:
        """A link to this page in the other language."""
        other = "en" if self.lang == "vi" else "vi"
        return self.path + "?" + urlencode({**{k: v for k, v in self.params.items() if k != "lang"}, "lang": other})


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for the pages, autoescaping HTML."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "svg")),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["thousands"] = lambda n: f"{n:,}".replace(",", ".")
    return env


def page_for(request: Request) -> Page:
    """The layout context of ``request``."""
    return Page(
        lang=language(request),
        path=request.url.path,
        params=dict(request.query_params),
        q=request.query_params.get("q", "") if request.url.path == "/search" else "",
    )


def render(template: str, page: Page, **context: object) -> str:
    """``templates/web/<template>`` for ``page`` with ``context``."""
    return environment().get_template(f"web/{template}").render(page=page, lang=page.lang, t=translator(page.lang), **context)


# the query page runs YASGUI: scripts and requests to this server only (no inline script, no other host);
# YASGUI's editor and table set inline styles, so styles (only) may be inline there
SCRIPTED_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# the reconciliation preview is shown inside OpenRefine (another origin), in a frame
FRAMED_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors *; base-uri 'none'"


def html(body: str, page: Page, *, status: int = 200, policy: str | None = None) -> Response:
    """An HTML answer, remembering an explicitly chosen language in a cookie; ``policy``: its own CSP."""
    headers = {"Vary": "Accept, Cookie", "Content-Language": page.lang}
    if policy is not None:
        headers["Content-Security-Policy"] = policy
    response = HTMLResponse(body, status_code=status, headers=headers)
    if page.params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, page.lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
