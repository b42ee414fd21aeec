# Two commands: `make run` (demo on SQLite, no other service) and `make test`; `make lint` checks the code.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# manage.py defaults to the production settings; the demo targets ask for the demo settings explicitly.
DEMO := DJANGO_SETTINGS_MODULE=opp_portal.settings.local

.PHONY: run test lint migrate demo clean bench

$(STAMP): pyproject.toml
	@PYTHON="$$(scripts/find-python)" || exit 1; \
	echo "Using $$PYTHON ($$($$PYTHON --version))"; \
	test -x $(PY) || "$$PYTHON" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

migrate: $(STAMP)
	$(DEMO) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEMO) $(PY) manage.py seed_demo

run: demo
	@echo "OPP-portaal op http://127.0.0.1:8000 — demo-accounts staan in README.md (wachtwoord opp-demo-2026)."
	$(DEMO) $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The checks that keep the code's shape (docs/architecture.md): ruff (pyflakes, pycodestyle, import order, Django
# rules) and mypy with django-stubs. `.ci/run` runs them before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The benchmark (bench/README.md): `make bench` (11-17 minutes) or `make bench QUICK=1` (3-5 minutes).
bench: $(STAMP)
	$(PY) -m bench $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media .pytest_cache
