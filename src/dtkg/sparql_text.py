"""What can be told about a SPARQL query from its text alone, before and after the parser.

- :func:`nesting_problem`: a query nested too deeply for the parser (pyoxigraph's SPARQL
  parser is recursive: a few thousand nested ``{``, ``(`` or ``!`` overflow its stack and
  kill the process), found by a linear scan that never recurses;
- :func:`has_dataset_clause`: whether the query names its own dataset (``FROM``, ``FROM NAMED``);
- :func:`explain`: a parser error turned into what is wrong, where (line and column) and the fix.

The scans skip strings, IRIs and comments, as the SPARQL grammar's terminals do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dtkg.store import PREFIXES

MAX_NESTING = 128
KNOWN_PREFIXES = {**PREFIXES, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
OPENERS = {"{": "}", "(": ")", "[": "]"}
CLOSERS = {v: k for k, v in OPENERS.items()}

_NAME_START = (  # PN_CHARS_BASE of the SPARQL grammar (below the astral planes)
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_TOKENS = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\\n\r]|\\.)*"?'
    r"|'(?:[^'\\\n\r]|\\.)*'?)"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>#[^\n\r]*)"
    r"|(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040" + _NAME_START + r"]*)"
    rf"|(?P<pname>(?<![\w.:-])(?:[{_NAME_START}](?:[\w.\-\u00b7]*[\w\-\u00b7])?)?:)"
    r"|(?P<word>[A-Za-z_][\w]*)"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"
    r"|(?P<bang>!(?!=))"
    r"|(?P<other>\S)",
    re.DOTALL,
)
_PARSER_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One lexical token of a query: its kind (a group of ``_TOKENS``), text and offset."""

    kind: str
    text: str
    offset: int


@dataclass(frozen=True)
class QueryProblem:
    """What is wrong with a query, where, and the likely fix."""

    message: str
    fix: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        return f"{where}{self.message}" + (f" (fix: {self.fix})" if self.fix else "")


def tokens(query: str) -> Iterator[Token]:
    """The query's tokens (comments included, kind ``comment``); whitespace dropped."""
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(kind), match.start())


def position(query: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    line = query.count("\n", 0, offset) + 1
    return line, offset - (query.rfind("\n", 0, offset) + 1) + 1


def nesting_problem(query: str, *, limit: int = MAX_NESTING) -> QueryProblem | None:
    """A problem if the query nests brackets and ``!`` deeper than ``limit`` (with where it first does), else None."""
    depth, bangs = 0, 0
    for token in tokens(query):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth = max(0, depth - 1)
        if token.kind == "bang":
            bangs += 1
        else:
            bangs = 0
        if depth + bangs > limit:
            line, column = position(query, token.offset)
            return QueryProblem(
                f"the query nests brackets or '!' more than {limit} deep, more than dtkg's SPARQL parser takes",
                fix="write the query with less nesting; no real query needs this many levels",
                line=line,
                column=column,
            )
    return None


def has_dataset_clause(query: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause (the keyword, outside strings, IRIs and comments)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(query))


def explain(query: str, parser_message: str) -> QueryProblem:
    """The parser's error about ``query`` said as what is wrong, where, and the fix."""
    found = _PARSER_ERROR.match(parser_message.strip())
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    expected = found.group(3) if found else parser_message
    significant = [t for t in tokens(query) if t.kind != "comment"]
    if not significant:
        return QueryProblem("the query is empty", fix="write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    for check in (_unterminated_string, _undeclared_prefix, _update_form, _unbalanced, _missing_form):
        problem = check(query, significant)
        if problem is not None:
            return problem
    if "IRI parsing failed" in expected and line is not None and column is not None:
        return _bad_iri(query, line, column)
    return QueryProblem(f"{_near(query, line, column)}{_expected(expected)}", line=line, column=column)


def _unterminated_string(query: str, significant: list[Token]) -> QueryProblem | None:
    """A string whose closing quote is missing (before the end of its line, or of the query)."""
    for token in significant:
        if token.kind != "string":
            continue
        quote = token.text[:3] if token.text[:3] in ('"""', "'''") else token.text[0]
        if len(token.text) < 2 * len(quote) or not token.text.endswith(quote):
            line, column = position(query, token.offset)
            return QueryProblem(f"the string opened here with {quote} is never closed",
                                fix=f"end it with {quote} (a string in \" or ' quotes must end on its line)",
                                line=line, column=column)
    return None


def _bad_iri(query: str, line: int, column: int) -> QueryProblem:
    """An IRI the parser could not read: relative with no base, or with characters IRIs cannot hold."""
    offset = _offset(query, line, column)
    start = query.rfind("<", 0, offset)
    shown = query[start : query.find(">", start) + 1] if start >= 0 and ">" in query[start:] else ""
    line, column = position(query, start) if start >= 0 else (line, column)
    return QueryProblem(
        f"{shown or 'this'} is not a valid absolute IRI",
        fix="write the whole IRI (http://…) without spaces, quotes or any of <>{}|^`\\, percent-encoded if need be",
        line=line,
        column=column,
    )


def _offset(query: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column."""
    starts = [0] + [i + 1 for i, c in enumerate(query) if c == "\n"]
    return min(len(query), starts[min(line, len(starts)) - 1] + column - 1)


def _undeclared_prefix(query: str, significant: list[Token]) -> QueryProblem | None:
    """The first prefixed name whose prefix no PREFIX line declares."""
    declared: set[str] = set()
    for previous, token in zip([None, *significant], significant):
        if token.kind != "pname":
            continue
        if previous is not None and previous.kind == "word" and previous.text.upper() == "PREFIX":
            declared.add(token.text)
        elif previous is not None and previous.text == "<" and previous.offset + 1 == token.offset:
            return _bad_iri(query, *position(query, token.offset))  # an IRI with a space in it
        elif token.text not in declared:
            line, column = position(query, token.offset)
            name = token.text[:-1]
            namespace = KNOWN_PREFIXES.get(name)
            fix = (
                f"add the line `PREFIX {token.text} <{namespace}>` at the top of the query"
                if namespace
                else f"add a line `PREFIX {token.text} <namespace IRI>` at the top of the query"
            )
            shown = f"'{token.text}'" if name else "':' (the empty prefix)"
            return QueryProblem(f"the prefix {shown} is not declared", fix=fix, line=line, column=column)
    return None


def _first_keyword(significant: list[Token]) -> Token | None:
    """The first word after the prologue (PREFIX and BASE declarations)."""
    skip = 0
    for token in significant:
        if skip:
            skip -= 1
            continue
        if token.kind == "word" and token.text.upper() == "PREFIX":
            skip = 2  # the prefix and its IRI
        elif token.kind == "word" and token.text.upper() == "BASE":
            skip = 1  # its IRI
        elif token.kind == "word":
            return token
        else:
            return None
    return None


def _update_form(query: str, significant: list[Token]) -> QueryProblem | None:
    """An update (INSERT, DELETE, …) where a query was expected."""
    first = _first_keyword(significant)
    if first is None or first.text.upper() not in UPDATE_FORMS:
        return None
    line, column = position(query, first.offset)
    return QueryProblem(
        f"this is a SPARQL Update ({first.text.upper()} …), not a query; dtkg only answers queries",
        fix=f"use a {', '.join(QUERY_FORMS[:-1])} or {QUERY_FORMS[-1]} query; "
        "dtkg's data changes only by rebuilding it with `dtkg build`",
        line=line,
        column=column,
    )


def _missing_form(query: str, significant: list[Token]) -> QueryProblem | None:
    """No query form (SELECT, ASK, CONSTRUCT, DESCRIBE) after the prologue."""
    first = _first_keyword(significant)
    if first is not None and first.text.upper() in QUERY_FORMS:
        return None
    token = first or next((t for t in significant), None)
    offset = token.offset if token else len(query)
    line, column = position(query, offset)
    found = f"'{token.text}'" if token else "nothing"
    return QueryProblem(
        f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and BASE lines), not {found}",
        fix="check the spelling of the query form",
        line=line,
        column=column,
    )


def _unbalanced(query: str, significant: list[Token]) -> QueryProblem | None:
    """A bracket closed that was never opened, closed by the wrong kind, or never closed."""
    stack: list[Token] = []
    for token in significant:
        if token.kind == "open":
            stack.append(token)
        elif token.kind == "close":
            line, column = position(query, token.offset)
            if not stack:
                fix = f"remove it or add the '{CLOSERS[token.text]}' it closes"
                return QueryProblem(f"'{token.text}' closes nothing", fix=fix, line=line, column=column)
            opened = stack.pop()
            if OPENERS[opened.text] != token.text:
                at = "line {}, column {}".format(*position(query, opened.offset))
                return QueryProblem(f"'{token.text}' closes the '{opened.text}' opened at {at}",
                                    fix=f"close that one with '{OPENERS[opened.text]}' first", line=line, column=column)
    if stack:
        opened = stack[-1]
        line, column = position(query, opened.offset)
        return QueryProblem(f"the '{opened.text}' opened here is never closed",
                            fix=f"add the missing '{OPENERS[opened.text]}'", line=line, column=column)
    return None


def _near(query: str, line: int | None, column: int | None) -> str:
    """``near «…»: `` quoting the text just before the error position, or nothing."""
    if line is None or column is None:
        return ""
    lines = query.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    before = text[: column - 1].rstrip()
    if len(before) > 30:
        before = before[-30:].split(" ", 1)[-1]
    after = text[column - 1 :].split(" ")[0][:20] if column - 1 < len(text) else ""
    shown = f"{before} ⟨here⟩ {after}".strip() if before or after else "⟨here⟩"
    return f"near «{shown}»: "


_EXPECTED_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\b([A-Za-z][A-Za-z_]*)\b|(\[[^\]]*\])')


def _expected(expected: str) -> str:
    """The parser's 'expected …' list shortened to the tokens a person can type."""
    text = expected.strip()
    if text.startswith("expected one of "):
        text = text[len("expected one of ") :]
    elif text.startswith("expected "):
        text = text[len("expected ") :]
    items: list[str] = []
    name_like = False
    for match in _EXPECTED_TOKEN.finditer(text):
        quoted, word, char_class = match.groups()
        if char_class is not None:
            name_like = True
        elif quoted is not None:
            items.append(f"'{quoted}'")
        elif word and word.isupper() and len(word) > 1:
            items.append(word)
    items = list(dict.fromkeys(items))
    if name_like:
        items.append("a name or number")
    if not items:
        return "the text here does not fit the SPARQL grammar"
    shown = ", ".join(items[:12]) + (", …" if len(items) > 12 else "")
    return f"expected {shown}" if len(items) == 1 else f"expected one of {shown}"
