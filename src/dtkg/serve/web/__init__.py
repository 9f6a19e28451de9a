"""The graph for people: overview, article reader, entity pages, search, reconciliation and the query page.

Every page reads the store only through named SPARQL files in ``serve/queries/`` (see
:mod:`dtkg.serve.web.queries`), bound with pyoxigraph substitutions and run as one job per
page through the service's engine (worker processes with a time and memory limit);
:func:`dtkg.serve.web.routes.routes` lists the routes these pages add to the application.
"""
