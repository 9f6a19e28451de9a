"""Validate: SHACL shapes from ``shapes/`` run with pySHACL, results a CI can act on.

Per-article graphs are validated in the build's workers with the shapes compiled once
per worker (:class:`Validator`); shapes marked cross-article (``dtkg:crossArticle true``
on the shape) run once on the whole dataset (:meth:`Validator.validate_cross`).
"""

from __future__ import annotations

from dtkg.validate.engine import Finding, Severity, ValidationRun, Validator, validate_dataset

__all__ = ["Finding", "Severity", "ValidationRun", "Validator", "validate_dataset"]
