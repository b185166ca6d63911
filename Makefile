# pollwatch: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres install lint format serve clean bench screenshots webform-bundle

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m pollwatch migrate --no-input
	$(PY) -m pollwatch collectstatic --no-input --verbosity 0
	$(PY) -m pollwatch demo
	@echo "Serving pollwatch on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@$(MAKE) --no-print-directory serve

# The web server, the background worker (reports, analyses) and the audit trail's sealer.
serve: install
	$(PY) -m pollwatch db_worker --interval 1 & worker=$$!; \
	$(PY) -m pollwatch audit seal --every 10 & sealer=$$!; \
	trap 'kill $$worker $$sealer 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/granian --interface wsgi pollwatch.wsgi:application --host $(HOST) --port $(PORT) \
		--workers 2 --blocking-threads 16 --respawn-failed-workers --access-log

lint: install
	$(VENV)/bin/ruff check pollwatch tests bench scripts
	$(VENV)/bin/ruff format --check pollwatch tests bench scripts
	$(VENV)/bin/mypy pollwatch
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format pollwatch tests bench scripts
	$(VENV)/bin/ruff check --fix pollwatch tests bench scripts

# The whole suite on SQLite and every database test again on a throwaway PostgreSQL,
# side by side (one core each); each run's report is printed whole when it ends.
test: lint
	$(PY) -m pollwatch makemigrations --check --dry-run
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest

test-postgres: install
	POLLWATCH_TEST_DB=postgres $(PY) -m pytest

bench: install
	for script in bench/*.py; do $(PY) $$script || exit 1; done

# docs/screenshots/*.png, from a demo built in a temporary database (needs Chromium).
screenshots: install
	$(PY) scripts/screenshots.py

# The browser XForm engine (Enketo) under pollwatch/static/vendor/enketo/, rebuilt from
# frontend/webform/. Needs Node 20 and npm; the app serves the built files and never runs npm.
webform-bundle:
	cd frontend/webform && npm ci && npm run build

clean:
	rm -rf $(VENV) data
