#!/bin/sh
# The checks behind `make test`, in order, stopping at the first failure. The Makefile runs this
# through core/devstack (python -m core.devstack with-services), so DATABASE_URL and REDIS_URL are
# set and .venv/bin is first on PATH. Arguments go to pytest: make test ARGS='-k login'.
set -eu

step() { printf '\n=== %s\n' "$*"; }

step "ruff check"
ruff check .

step "ruff format --check"
ruff format --check .

step "pip-audit over requirements.lock"
# Fails on a pinned dependency with a known vulnerability; says so and goes on when the advisory
# service cannot be reached, so a network outage does not fail CI (CF-02).
if python -c 'import pip_audit' >/dev/null 2>&1; then
  python .ci/audit_dependencies.py requirements.lock
else
  echo "pip-audit is not installed (it comes with the dev extra): dependency audit skipped"
fi

step "mypy"
# Settings and the checked files come from [tool.mypy] in pyproject.toml; the cache in .mypy_cache
# makes a rerun check only what changed.
python -m mypy

step "migrations match the models"
python manage.py makemigrations --check --dry-run

if command -v msgfmt >/dev/null 2>&1; then
  step "compile translations"
  python manage.py compilemessages --ignore .venv --ignore .local --ignore node_modules --ignore mutants
else
  step "msgfmt not found (package gettext): using the committed .mo files"
fi

step "production settings pass check --deploy"
# Throwaway values: the check only reads them, nothing connects anywhere.
secret_key=$(python -c 'import secrets; print(secrets.token_urlsafe(64))')
env DJANGO_SETTINGS_MODULE=config.settings.production \
  SECRET_KEY="$secret_key" \
  ALLOWED_HOSTS=localhost \
  DATABASE_URL=postgres://koodak@localhost:5432/koodak \
  REDIS_URL=redis://localhost:6379/0 \
  python manage.py check --deploy --fail-level WARNING

step "pytest $*"
status=0
python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  # pytest's code for "nothing collected"; a filter that matches nothing is not a failure.
  echo "pytest collected no tests (exit code 5); treating that as success"
  status=0
fi
exit "$status"
