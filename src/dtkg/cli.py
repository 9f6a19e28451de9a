"""The ``dtkg`` command: the only place that prints and chooses exit codes.

Exit codes (the same for every command; ``dtkg build`` uses all five):

- 0: everything asked for was done (every input built, the data conforms to the shapes);
- 1: the data violates the shapes (the dataset is still written, with its report);
- 2: bad usage or bad input: nothing was built or done;
- 3: some inputs failed and were left out, each named; the others were built (``--allow-failures`` makes this 0);
- 4: dtkg itself failed (a bug) and stopped; the message says where the traceback is.

When both 3 and 1 apply, 3 wins. An input that fails because of a bug in dtkg is a failed
input (3); its traceback is written beside the dataset for a bug report.
"""

from __future__ import annotations

import argparse
import os
import logging
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dtkg import __version__
from dtkg.errors import DtkgError, NothingBuiltError, UsageError
from dtkg.settings import DEFAULT_BASE, ServeSettings, Settings, ShaclEngine, read_update_token

if TYPE_CHECKING:
    from dtkg.ingest import Skipped
    from dtkg.pipeline import BuildReport

OK, INVALID, BAD_INPUT, SOME_FAILED, BUG = 0, 1, 2, 3, 4
EXIT_CODES = """\
exit codes:
  0  every input built and the data conforms to the shapes
  1  the data violates the shapes (the dataset and its report are written)
  2  bad usage or bad input: nothing was built
  3  some inputs failed (each is named); the others were built (--allow-failures: 0)
  4  dtkg itself failed and stopped (a bug: please report it)
  when both 3 and 1 apply, 3 wins"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtkg",
        description="Turn Vietnamese news about digital transformation into a validated, served knowledge graph.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            example:
              dtkg build examples/articles --output out/kg.nq
              dtkg serve out/kg.nq --port 8000
            exit codes: 0 ok, 1 data fails validation, 2 bad input or usage, 3 some inputs failed, 4 a bug"""),
    )
    parser.add_argument("--version", action="version", version=f"dtkg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _build_parser(sub)
    _validate_parser(sub)
    _serve_parser(sub)
    _query_parser(sub)
    _publish_parser(sub)
    _docs_parser(sub)
    return parser


def _sub(sub, name: str, help_text: str, example: str, more: str = "", *, abbrev: bool = True) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
    return sub.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}" + more,
                          formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=abbrev)


def _build_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "build", "Build an RDF dataset (one named graph per article) from article files or folders, and validate it.",
             "dtkg build examples/articles --output out/kg.nq", "\n\n" + EXIT_CODES)
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="article files (.txt, .md, .jsonl) or folders")
    p.add_argument("--output", "-o", type=Path, required=True, help="dataset file: .nq, .trig or .jsonld")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI of the data (default {DEFAULT_BASE})")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: up to 4)")
    p.add_argument("--cache", type=Path, default=None, help="cache folder (default: .dtkg-cache beside the output)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    _engine_option(p)
    p.add_argument("--max-article-mb", type=float, default=20.0, help="refuse articles larger than this many MiB (default 20)")
    p.add_argument("--allow-failures", action="store_true",
                   help="exit 0, not 3, when some inputs failed but the others were built")
    p.add_argument("--quiet", "-q", action="store_true", help="only the errors and the one-line summary")
    p.add_argument("--debug", action="store_true", help="print the traceback of any bug in dtkg to the terminal")


def _validate_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "validate", "Validate an RDF dataset (N-Quads, TriG, Turtle, JSON-LD) with dtkg's SHACL shapes.",
             "dtkg validate out/kg.nq --format junit > report.xml")
    p.add_argument("dataset", type=Path)
    p.add_argument("--shapes", type=Path, default=None, help="folder of SHACL shapes (default: dtkg's own)")
    p.add_argument("--format", default="text", choices=["text", "turtle", "json", "junit", "sarif"])
    p.add_argument("--fail-on", default="violation", choices=["violation", "warning", "info"])
    _engine_option(p)


def _engine_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shacl-engine", default=ShaclEngine.TURBO.value, choices=[e.value for e in ShaclEngine],
                   help="SHACL engine: turbo (pyshacl-turbo, native; the default) or pyshacl (the reference)")


def _serve_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "serve", "Serve a dataset (or an Oxigraph store folder) as a read-only SPARQL 1.1 endpoint with linked data.",
             "dtkg serve out/kg.nq --host 127.0.0.1 --port 8000",
             abbrev=False)  # no --update-token abbreviating --update-token-file: a token is never an argument
    p.add_argument("source", type=Path, metavar="DATASET|STORE")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8000)
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI the data was built with (default {DEFAULT_BASE})")
    p.add_argument("--query-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="stop any query (or page lookup) after this many seconds, answering 503 (default 30)")
    p.add_argument("--query-memory-mb", type=int, default=1024, metavar="MB",
                   help="stop any query that needs more than this much memory, answering 503 (default 1024)")
    p.add_argument("--max-request-bytes", type=int, default=1024 * 1024, metavar="N",
                   help="refuse request bodies larger than this with 413 (default 1048576)")
    p.add_argument("--query-workers", type=int, default=2, metavar="N",
                   help="processes evaluating queries side by side (default 2)")
    p.add_argument("--in-memory-up-to", type=int, default=200_000, metavar="QUADS",
                   help="each query process keeps a copy in memory of a dataset of up to this many quads, "
                        "for faster answers; larger ones are read from disk (default 200000; 0: always from disk)")
    p.add_argument("--page-size", type=int, default=10_000, metavar="N",
                   help="statements per page of a linked-data document; longer ones are paged (default 10000)")
    p.add_argument("--update-token", nargs="?", action=_RefuseToken, help=argparse.SUPPRESS)
    p.add_argument("--update-token-file", type=Path, default=None, metavar="FILE",
                   help="accept writes (Graph Store PUT/POST/DELETE, SPARQL Update) from requests bearing the token "
                        "on this file's first line (Authorization: Bearer TOKEN); the environment variable "
                        "DTKG_UPDATE_TOKEN does the same. Without either, the server only reads")
    p.add_argument("--license", default=None, metavar="IRI",
                   help="the dataset's licence, for its VoID description at /.well-known/void (default: none given; "
                        "the description then says that each article belongs to its publisher)")


class _RefuseToken(argparse.Action):
    """``--update-token VALUE`` is refused without echoing the value: a command line is visible to every user."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        parser.error("an update token is never given on the command line, where every user of the machine can "
                     "read it (fix: set DTKG_UPDATE_TOKEN in the environment, or use --update-token-file FILE)")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _query_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "query", "Run a SPARQL query file against a dataset and print the answers.",
             "dtkg query ontology/cq/agreements.rq out/kg.nq --format csv")
    p.add_argument("query", type=Path, metavar="QUERY.rq", help="a file holding one SPARQL SELECT query")
    p.add_argument("dataset", type=Path, help="the dataset to query (.nq, .trig, .jsonld, …)")
    p.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json"])


def _publish_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "publish", "Send what changed in a dataset to a SPARQL store (Oxigraph server, Virtuoso, Fuseki, any SPARQL 1.1 store).",
             "DBA_PASSWORD=… dtkg publish out/kg.nq --endpoint http://127.0.0.1:8890/sparql --user dba --password-env DBA_PASSWORD --prune")
    p.add_argument("dataset", type=Path)
    p.add_argument("--endpoint", required=True, help="the store's SPARQL query URL (Oxigraph …/query, Virtuoso …/sparql)")
    p.add_argument("--graph-store", default=None, metavar="URL",
                   help="the store's Graph Store URL taking N-Quads (default: the store's own, Oxigraph …/store)")
    p.add_argument("--update", default=None, metavar="URL",
                   help="the store's SPARQL Update URL (default: the store's own, Oxigraph …/update, Virtuoso …/sparql-auth)")
    p.add_argument("--store-kind", default="auto", choices=["auto", "oxigraph", "virtuoso", "fuseki", "generic"],
                   help="the kind of store (default: asked from the server)")
    p.add_argument("--auth", default=None, choices=["basic", "digest", "bearer"],
                   help="HTTP authentication (default: the store's own, Virtuoso digest, others basic)")
    p.add_argument("--user", default=None)
    secret = p.add_mutually_exclusive_group()
    secret.add_argument("--password-env", default=None, metavar="VAR", help="environment variable holding the password")
    secret.add_argument("--password-file", type=Path, default=None, metavar="FILE", help="file holding the password")
    p.add_argument("--token-env", default=None, metavar="VAR", help="environment variable holding a bearer token")
    p.add_argument("--password", dest="password_given", default=None, help=argparse.SUPPRESS)
    p.add_argument("--prune", action="store_true", help="drop graphs dtkg published earlier that the dataset no longer has")
    p.add_argument("--dry-run", action="store_true", help="say what would be sent and pruned, send nothing")
    p.add_argument("--verify", action="store_true", help="read every graph sent back and compare it with the dataset")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S", help="seconds to wait for each answer (default 60)")
    p.add_argument("--retries", type=int, default=4, metavar="N",
                   help="attempts after a 5xx answer or a dropped connection, waiting 0.5 s, 1 s, 2 s… (default 4)")


def _docs_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = _sub(sub, "docs", "Write the ontology's documentation (a Markdown page per class and property, vi and en).",
             "dtkg docs --output docs/ontology")
    p.add_argument("--output", type=Path, default=Path("docs/ontology"))


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return BAD_INPUT if exc.code not in (0, None) else OK
    debug = bool(getattr(args, "debug", False))
    _quiet_libraries(debug)
    try:
        return {"build": _build, "validate": _validate, "serve": _serve, "query": _query, "publish": _publish,
                "docs": _docs}[args.command](args)
    except DtkgError as exc:
        for line in exc.details:
            print(f"dtkg: {line}", file=sys.stderr)
        print(f"dtkg: error: {exc}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print("dtkg: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        log = _bug_log(traceback.format_exc())
        print(f"dtkg: internal error: {type(exc).__name__}: {str(exc)[:300]} — this is a bug in dtkg; "
              + (f"the traceback is in {log}, please report it" if log else "rerun with --debug to see the traceback"),
              file=sys.stderr)
        return BUG


def _quiet_libraries(debug: bool) -> None:
    """Library log records (rdflib's, pySHACL's) go to the terminal only with --debug."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s")
        return
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def _bug_log(trace: str) -> Path | None:
    """Write a traceback to a file in the temporary folder, for a bug report."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix="dtkg-bug-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(trace)
    except OSError:
        return None
    return Path(name)


def _build(args: argparse.Namespace) -> int:
    from dtkg.pipeline import build

    settings = Settings(
        base_iri=args.base, cache_dir=args.cache, validate=not args.no_validate, quiet=args.quiet,
        shacl_engine=ShaclEngine.parse(args.shacl_engine),
        max_article_bytes=int(args.max_article_mb * 1024 * 1024),
        **({"workers": args.workers} if args.workers else {}),
    )
    bar = _progress(args.quiet)
    try:
        report = build(args.inputs, output=args.output, settings=settings, progress=bar.update if bar else None)
    except NothingBuiltError as exc:
        if exc.traces:
            text = "".join(f"== {source}\n{trace}\n" for source, trace in exc.traces)
            if args.debug:
                sys.stderr.write(text)
            log = _bug_log(text)
            exc.details += (f"{len(exc.traces)} input(s) hit a bug in dtkg; the tracebacks are in {log}: "
                            "please report it with those inputs",)
        raise
    finally:
        if bar:
            bar.close()
    if not args.quiet:
        for line in _skipped_lines(report.skipped):
            print(f"dtkg: {line}", file=sys.stderr)
        for note in report.notes:
            print(f"dtkg: warning: {note}", file=sys.stderr)
    for failure in report.failed:
        print(f"dtkg: failed: {failure.error}", file=sys.stderr)
    bug_log = _write_bug_log(report, debug=args.debug)
    v = report.validation
    violations = sum(f.severity.name == "VIOLATION" for f in v.findings) if v else 0
    warnings = sum(f.severity.name == "WARNING" for f in v.findings) if v else 0
    print(f"built {len(report.built)} article file(s) ({report.processed} processed, {report.reused} from cache), "
          f"{len(report.failed)} failed, {len(report.skipped)} skipped → {report.output}; "
          + (f"validation: {violations} violation(s), {warnings} warning(s)" if v else "validation skipped")
          + (f" (report: {report.report_path})" if report.report_path else ""))
    if v and violations:
        for graph in sorted({f.graph or "(dataset)" for f in v.findings if f.severity.name == "VIOLATION"}):
            msgs = sorted({f.message for f in v.findings if (f.graph or "(dataset)") == graph and f.severity.name == "VIOLATION"})
            print(f"  {graph}: {'; '.join(msgs)}", file=sys.stderr)
    if bug_log:
        print(f"dtkg: {len(report.bugs)} input(s) hit a bug in dtkg; the tracebacks are in {bug_log}: "
              "please report it with those inputs", file=sys.stderr)
    if report.failed and not args.allow_failures:
        return SOME_FAILED
    return INVALID if violations else OK


def _skipped_lines(skipped: Sequence["Skipped"], examples: int = 3) -> list[str]:
    """One line per reason: the path when one file was skipped for it, else a count and examples."""
    by_reason: dict[str, list[str]] = {}
    for s in skipped:
        by_reason.setdefault(s.reason, []).append(s.path)
    lines = []
    for reason, paths in by_reason.items():
        if len(paths) == 1:
            lines.append(f"skipped {paths[0]}: {reason}")
        else:
            shown = ", ".join(paths[:examples]) + (f" and {len(paths) - examples} more" if len(paths) > examples else "")
            lines.append(f"skipped {len(paths)} inputs, {reason}: {shown}")
    return lines


def _write_bug_log(report: "BuildReport", *, debug: bool) -> Path | None:
    """The tracebacks of the inputs dtkg failed on, beside the dataset (and on the terminal with --debug)."""
    path = report.output.with_name(report.output.name + ".errors.log")
    if not report.bugs:
        path.unlink(missing_ok=True)
        return None
    text = "".join(f"== {r.source}\n{r.trace}\n" for r in report.bugs)
    if debug:
        sys.stderr.write(text)
    try:
        path.write_text(f"dtkg {__version__}: tracebacks of the inputs dtkg failed on\n\n{text}", encoding="utf-8")
    except OSError:
        return _bug_log(text)
    return path


class _Bar:
    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(unit="article", desc="dtkg build", file=sys.stderr)

    def update(self, _result: object) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _progress(quiet: bool) -> _Bar | None:
    return _Bar() if not quiet and sys.stderr.isatty() else None


def _validate(args: argparse.Namespace) -> int:
    from dtkg.validate.cli import run_validate

    text, failed = run_validate(args.dataset, shapes=args.shapes, fmt=args.format, fail_on=args.fail_on,
                                engine=ShaclEngine.parse(args.shacl_engine))
    sys.stdout.write(text)
    return INVALID if failed else OK


def _serve(args: argparse.Namespace) -> int:
    from dtkg.serve import run

    Settings(base_iri=args.base)  # validates the base IRI
    settings = ServeSettings(query_timeout=args.query_timeout, query_memory_mb=args.query_memory_mb,
                             max_request_bytes=args.max_request_bytes, query_workers=args.query_workers,
                             in_memory_up_to=args.in_memory_up_to,
                             page_size=args.page_size, license=args.license,
                             update_token=read_update_token(os.environ, args.update_token_file))

    def ready(url: str) -> None:
        print(f"dtkg: serving {args.source} at {url} (SPARQL at {url}sparql); Ctrl-C stops", file=sys.stderr, flush=True)

    run(args.source, host=args.host, port=args.port, base_iri=args.base, settings=settings, on_ready=ready)
    return OK


def _query(args: argparse.Namespace) -> int:
    from dtkg.query import format_results, run_query_file

    variables, rows = run_query_file(args.query, args.dataset)
    sys.stdout.write(format_results(variables, rows, args.format))
    return OK


def _publish(args: argparse.Namespace) -> int:
    from dtkg.publish import AuthScheme, PublishSettings, StoreKind, credentials_from, publish

    if args.password_given is not None:
        raise UsageError("dtkg takes no password on the command line (it would show in the process list and the shell history)",
                         fix="put it in an environment variable and give --password-env VAR, or in a file and give --password-file FILE")
    credentials = credentials_from(
        user=args.user, auth=AuthScheme(args.auth) if args.auth else None,
        password_env=args.password_env, password_file=args.password_file, token_env=args.token_env,
    )
    settings = PublishSettings(
        endpoint=args.endpoint, update=args.update, graph_store=args.graph_store, store_kind=StoreKind(args.store_kind),
        credentials=credentials, prune=args.prune, dry_run=args.dry_run, verify=args.verify,
        timeout=args.timeout, retries=args.retries,
    )
    bar = _progress_bar("dtkg publish", "graph") if sys.stderr.isatty() and not args.dry_run else None
    try:
        report = publish(args.dataset, settings, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    for line in report.summary():
        print(line, file=sys.stderr if line.startswith(("failed:", "stopped:")) else sys.stdout)
    return OK if report.ok else BAD_INPUT


def _docs(args: argparse.Namespace) -> int:
    from dtkg.docs import write_docs

    written = write_docs(args.output)
    print(f"wrote {len(written)} page(s) to {args.output}")
    return OK


def _progress_bar(desc: str, unit: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(unit=unit, desc=desc, file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
