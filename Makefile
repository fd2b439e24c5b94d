# Koodak's developer commands. Needs only Python 3.11+ and make: everything else is installed into
# .venv from requirements.lock. PostgreSQL and Redis come from DATABASE_URL and REDIS_URL when they
# are set; otherwise core/devstack starts private ones for the duration of the command.
#
#   make run          the whole product with demo data on http://127.0.0.1:8000/ (PORT=...)
#   make test         lint, migration and deploy checks, then the whole test suite (ARGS='-k login')
#   make quick        the tests without the slow scenarios, on kept test databases (ARGS=...)
#   make lint         ruff check and ruff format --check
#   make format       reformat and apply ruff's safe fixes
#   make messages     update locale/fa from the code and compile it
#   make lock         regenerate requirements.lock from pyproject.toml
#   make bench        the benchmarks at national scale (SCALE=small: 1/100, a few minutes;
#                     SCALE=double: twice national, to see what grows with the country)
#   make screenshots  the README's pictures from the demo data in a real browser (docs/screenshots)
#   make mutate       mutation testing of the core modules and their kill rates (about 5 minutes)
#   make backup       the database and stored files into a dated folder under BACKUP_DIR
#   make restore      a backup into DB=name (new or empty; ARGS='--force', BACKUP=folder)
#   make clean-local  delete .local (private databases, logs) when no private server runs

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements.lock
PORT ?= 8000
SCALE ?= national
ARGS ?=
LOCK_FILE ?= requirements.lock
I18N_IGNORE := --ignore .venv --ignore .local --ignore node_modules --ignore staticfiles --ignore mutants

# Recipes find ruff, pytest, celery and python in the project's virtual environment first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PORT SCALE

.DEFAULT_GOAL := help
.PHONY: help venv run test quick lint format messages lock bench clean-local mutate screenshots \
	backup restore

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

venv: $(STAMP)

# Re-install only when requirements.lock is newer than the stamp left by the last install.
$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Koodak needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(VPY) || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(VPY) -m pip install --disable-pip-version-check --quiet -r requirements.lock
	@touch $@

run: venv
	$(VPY) -m core.devstack run

# pytest-xdist: one test process per CPU, each with its own test database (test_<name>_gw0, ...).
# `test` is what CI runs: fresh test databases and every test, browser and other slow ones included.
test: venv
	$(VPY) -m core.devstack with-services -- sh .ci/checks.sh -n auto $(ARGS)

# The edit-and-run loop: no lint or deploy checks, tests marked slow left out, and the test
# databases kept between runs (--reuse-db; new migrations are still applied). After editing an
# existing migration, run once with ARGS=--create-db.
quick: venv
	$(VPY) -m core.devstack with-services -- python -m pytest -n auto --reuse-db -m "not slow" $(ARGS)

lint: venv
	ruff check .
	ruff format --check .

format: venv
	ruff format .
	ruff check --fix .

messages: venv
	python manage.py makemessages -l fa $(I18N_IGNORE)
	python manage.py compilemessages $(I18N_IGNORE)

# Resolves the ranges in pyproject.toml (dependencies and the dev extra) in a throwaway venv and
# writes the exact versions. LOCK_FILE=other.txt writes elsewhere, to compare before replacing.
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > "$$tmp/wanted.txt"; \
	"$$tmp/venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$$tmp/wanted.txt"; \
	"$$tmp/venv/bin/python" -m pip freeze --exclude-editable > "$$tmp/lock.txt"; \
	mv "$$tmp/lock.txt" $(LOCK_FILE); \
	echo "wrote $(LOCK_FILE) ($$(wc -l < $(LOCK_FILE)) packages)"

# Data goes into its own database, <DATABASE_URL's name>_bench_<scale>, generated once per scale.
bench: venv
	$(VPY) -m core.devstack with-services -- python -m bench --scale $(SCALE)

# Phone and desktop, Persian and English: tests/browser/test_readme_screenshots.py lists them, and
# a test of the ordinary run checks that the README shows exactly those. Needs Chromium.
screenshots: venv
	$(VPY) -m core.devstack with-services -- env KOODAK_SCREENSHOTS=$(CURDIR)/docs/screenshots \
		python -m pytest -q tests/browser/test_readme_screenshots.py

# pg_dump (custom format) and a tar of the stored files: core/backup.py, README "Backups".
backup: venv
	$(VPY) -m core.devstack with-services -- python manage.py backup $(ARGS)

DB ?=
BACKUP ?=
restore: venv
	@test -n "$(DB)" || { echo "say which database to restore into: make restore DB=name"; exit 2; }
	$(VPY) -m core.devstack with-services -- python manage.py restore $(BACKUP) --database $(DB) $(ARGS)

clean-local:
	$(PYTHON) -m core.devstack clean

# Mutation testing of the core modules, one module at a time (each judged by its own test file,
# see tests/mutation.py), then the kill rate of each. MUTATE_MODULES=core.jalali runs one.
MUTATE_MODULES ?= reports.suppression core.persian core.jalali core.national_id core.permissions core.access
MUTATE_JOBS ?= 1
mutate: venv
	$(VPY) -m core.devstack with-services -- sh -c '\
		for module in $(MUTATE_MODULES); do \
			mutmut run --max-children $(MUTATE_JOBS) "$$module.*" || exit 1; \
		done; \
		python -m tests.mutation $(MUTATE_MODULES)'
