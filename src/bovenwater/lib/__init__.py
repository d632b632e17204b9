"""The kernel: small mechanisms every app may use, importing no app of Bovenwater.

``compiled`` (a query compiled once, run many times), ``tracing`` (the request's trace
context in logs), ``drf`` (the acting user and organisation of an API request). The
layers and this rule are checked by import-linter (``[tool.importlinter]`` in
pyproject.toml; ADR 0001).
"""
