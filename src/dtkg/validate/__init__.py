"""Validate: SHACL shapes from ``shapes/`` on pyshacl-turbo or pySHACL, results a CI can act on.

Per-article graphs are validated in the build's workers with the shapes compiled once
per worker (:class:`Validator`); shapes marked cross-article (``dtkg:crossArticle true``
on the shape) run on the union of all graphs (:meth:`Validator.validate_cross`).
"""

from __future__ import annotations

from dtkg.settings import ShaclEngine
from dtkg.validate.engine import Validator, validate_dataset
from dtkg.validate.results import Finding, Severity, ValidationRun

__all__ = ["Finding", "Severity", "ShaclEngine", "ValidationRun", "Validator", "validate_dataset"]
