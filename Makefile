# Bovenwater: two commands. `make run` serves the demo, `make test` runs the whole suite.
# Prerequisites: Python >= 3.11, make, Node.js >= 20 with npm (front-end assets only).

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
ASSETS := src/bovenwater/static/vendor/.built-stamp
MO := src/bovenwater/locale/en/LC_MESSAGES/django.mo
VAR := var

# `make run`: a local demo on SQLite, in demo mode, over plain http on 127.0.0.1.
RUN_ENV := DEBUG=false DEMO_MODE=true \
	SECRET_KEY="$$(cat $(VAR)/secret_key)" \
	ALLOWED_HOSTS=127.0.0.1,localhost \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/$(VAR)/bovenwater.sqlite3} \
	SECURE_COOKIES=false SECURE_SSL_REDIRECT=false \
	PSEUDONYM_KEY="$$(cat $(VAR)/secret_key)-pseudonym"

# `make test`: production-like settings (DEBUG off); DATABASE_URL from the environment
# selects PostgreSQL, otherwise SQLite.
TEST_ENV := DEBUG=false DEMO_MODE=false SECRET_KEY=test-only-not-a-secret BOVENWATER_WEBSCAN_PURE=1 \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/$(VAR)/test.sqlite3} \
	SECURE_COOKIES=false SECURE_SSL_REDIRECT=false PSEUDONYM_KEY=test-only-pseudonym-key \
	TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend

.PHONY: help install assets messages translations migrate refdata demo run test check lint imports format typecheck pytest coverage envdoc openapi lock clean

help:
	@echo "make run    - install, build, migrate, load reference + demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install, build, lint, type-check and run the whole test suite"
	@echo "make envdoc - regenerate docs/configuration.md;  make openapi - regenerate the OpenAPI file"
	@echo "make lock   - re-lock Python dependencies into requirements/*.txt"

$(STAMP): pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Bovenwater needs Python >= 3.11 (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The webscan engine's hot modules compiled with mypyc, when a C compiler is there (a
# failed build only prints a note; the pure-Python modules then run, with the same
# results). Rebuilt when one of those sources changes; see docs/webscan.md.
WEBSCAN_NATIVE_SOURCES := $(addprefix src/bovenwater/adscan/,normalise.py tokens.py phones.py \
	extract.py indicators.py model.py pipeline.py run.py)
WEBSCAN_NATIVE := $(VENV)/.webscan-native

$(WEBSCAN_NATIVE): $(STAMP) $(WEBSCAN_NATIVE_SOURCES)
	$(PY) -m bovenwater.adscan.build_native --optional
	@touch $(WEBSCAN_NATIVE)

# Byte code for every module, also where PYTHONDONTWRITEBYTECODE is set: otherwise each
# run compiles the package's sources again (about 75 ms of a `bovenwater mse estimate`).
install: $(STAMP) $(WEBSCAN_NATIVE)
	@$(PY) -m compileall -q src/bovenwater > /dev/null

$(ASSETS): frontend/package.json frontend/package-lock.json frontend/build.mjs
	@command -v npm >/dev/null || { echo "npm not found: install Node.js >= 20 with npm"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	node frontend/build.mjs

assets: $(ASSETS)

$(MO): $(STAMP) src/bovenwater/locale/en/LC_MESSAGES/django.po src/bovenwater/locale/nl/LC_MESSAGES/django.po
	$(PY) -m bovenwater.i18n_compile

messages: $(MO)

$(VAR)/secret_key:
	@mkdir -p $(VAR)
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

migrate: install assets messages $(VAR)/secret_key
	$(RUN_ENV) $(PY) -m bovenwater.cli manage migrate --noinput
	$(RUN_ENV) $(PY) -m bovenwater.cli manage createcachetable
	$(RUN_ENV) $(PY) -m bovenwater.cli manage collectstatic --noinput --verbosity 0

refdata: migrate
	$(RUN_ENV) $(PY) -m bovenwater.cli manage load_reference_data

demo: refdata
	$(RUN_ENV) $(PY) -m bovenwater.cli manage seed_demo

run: demo
	@echo "Bovenwater demo: http://127.0.0.1:$(PORT)/"
	@# one ASGI process (uvicorn: HTTP and WebSocket) and two task workers (long tasks; log sealing and mail),
	@# started and stopped together by one launcher (src/bovenwater/launch.py)
	$(RUN_ENV) $(PY) -m bovenwater.launch --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The import contracts of pyproject.toml ([tool.importlinter]; docs/adr/0013-architecture-rules-as-failing-checks.md).
imports: install
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install messages
	$(TEST_ENV) $(BIN)/mypy

pytest: install assets messages
	@mkdir -p $(VAR)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

# `make coverage`: the pytest suite under coverage.py; prints the package's figures and
# those of the selectors and services modules. Floors are enforced only when given:
# COVERAGE_FLOOR=PERCENT (the package) and COVERAGE_RULES_FLOOR=PERCENT (selectors and
# services); CI (.ci/run) gives both.
coverage: install assets messages
	@mkdir -p $(VAR)
	rm -f $(VAR)/.coverage
	$(TEST_ENV) COVERAGE_FILE=$(VAR)/.coverage $(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	COVERAGE_FILE=$(VAR)/.coverage $(BIN)/coverage report --skip-covered --sort=cover \
		$(if $(COVERAGE_FLOOR),--fail-under=$(COVERAGE_FLOOR))
	COVERAGE_FILE=$(VAR)/.coverage $(BIN)/coverage json --quiet -o $(VAR)/coverage.json
	$(PY) .ci/coverage_floor.py $(VAR)/coverage.json $(if $(COVERAGE_RULES_FLOOR),--floor $(COVERAGE_RULES_FLOOR))

check: lint imports typecheck

# `make test`: the checks, then the suite; with COVERAGE_FLOOR set (CI does) the suite runs
# under coverage.py and fails below the floors (see `make coverage`).
test: check
	$(MAKE) $(if $(COVERAGE_FLOOR),coverage,pytest)

# Refresh the English catalogue from the code (needs GNU gettext's xgettext) and fill it
# from locale/en/pending/*.json; fails while Dutch texts lack English.
translations: install
	cd src/bovenwater && $(TEST_ENV) ../../$(PY) -m django makemessages -l en --no-location --settings bovenwater.settings \
		--ignore "mse/*" --ignore "adscan/*" --ignore "static/*" --ignore "templates/admin/*"
	$(PY) -m bovenwater.i18n_merge
	$(PY) -m bovenwater.i18n_compile

envdoc: install
	$(TEST_ENV) $(PY) -m bovenwater.envdoc > docs/configuration.md

openapi: install
	$(TEST_ENV) $(PY) -m bovenwater.cli manage spectacular --file src/bovenwater/api/openapi.yaml --validate

lock: install
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml -o requirements/base.txt
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements/dev.txt

clean:
	rm -rf $(VENV) frontend/node_modules src/bovenwater/static/vendor staticfiles $(VAR) $(MO) \
		src/bovenwater/adscan/native

# The same build as `make install` makes, but failing loudly (no compiler, a compile
# error) instead of falling back to pure Python (docs/webscan.md).
.PHONY: webscan-native
webscan-native: $(STAMP)
	$(PY) -m bovenwater.adscan.build_native
	@touch $(WEBSCAN_NATIVE)

# `make mutation`: mutation testing of the access rules with Cosmic Ray (.ci/mutation.py;
# docs/testing.md). Slow (a test run per mutant), so not part of `make test`;
# MUTATION_GROUPS picks groups (`.venv/bin/python .ci/mutation.py --list`).
.PHONY: mutation
mutation: install assets messages
	$(PY) .ci/mutation.py $(MUTATION_GROUPS)
