"""Validate: SHACL shapes from ``shapes/`` on pyshacl-turbo or pySHACL, results a CI can act on.

One entry point for each job:

- :func:`validate_article`: one article's graphs with the per-graph shapes (in a build
  worker, with a :class:`Validator` that compiled the shapes once);
- :class:`CrossArticle`: the cross-article shapes (``dtkg:crossArticle true``) over every
  article's projection, rechecking only what changed since the last run when given a
  state folder;
- :func:`render_report`: a run as text, Turtle, JSON-LD, JUnit XML or SARIF.

:func:`validate_dataset` puts the first two together for any RDF dataset (``dtkg validate``).
"""

from __future__ import annotations

from dtkg.settings import ShaclEngine
from dtkg.validate.article import ArticleCheck, validate_article
from dtkg.validate.context import ReportContext, build_context
from dtkg.validate.cross import CrossArticle
from dtkg.validate.dataset import validate_dataset
from dtkg.validate.engine import Validator
from dtkg.validate.report import ReportFormat
from dtkg.validate.report import render as render_report
from dtkg.validate.results import DEFAULT_GRAPH, WHOLE_DATASET, Finding, RunTally, Severity, ValidationRun

__all__ = [
    "DEFAULT_GRAPH", "WHOLE_DATASET", "ArticleCheck", "CrossArticle", "Finding", "ReportContext", "ReportFormat",
    "RunTally", "Severity", "ShaclEngine", "ValidationRun", "Validator", "build_context", "render_report",
    "validate_article", "validate_dataset",
]
