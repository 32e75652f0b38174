# PRM — the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Local runs are development runs unless the environment says otherwise.
export DEBUG ?= 1

.PHONY: help install run serve test worker beat bench bench-support bench-dashboards messages check clean

help:
	@echo "make run     install, migrate, load demo data, run the nightly jobs, serve http://$(HOST):$(PORT)/"
	@echo "make test    the whole test suite (SQLite by default; DATABASE_URL/REDIS_URL for real services)"
	@echo "make worker  a Celery worker (needs REDIS_URL)     make beat   the Celery beat scheduler"
	@echo "make bench   the partner list benchmark; make bench-support the SLA sweep and queue; make bench-dashboards the dashboards (PostgreSQL; see bench/README.md)"
	@echo "make messages  refresh and compile the translations"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed
	npm run --silent vendor
	touch $@

install: $(VENV)/.installed static/vendor/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@# A year of monthly lifecycle history first, so trends and the win-back list have a past.
	$(PY) manage.py lifecycle_recompute --history-months 12 --no-progress
	@# Month-end history of the three-contradictions indicators, so the dashboard shows trends.
	$(PY) manage.py indicators_recompute --history-months 12
	$(PY) manage.py run_nightly
	$(PY) manage.py seed_demo --logins
	@echo "Serving PRM on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

worker: install
	$(BIN)/celery -A prm worker --loglevel=INFO

beat: install
	$(BIN)/celery -A prm beat --loglevel=INFO --schedule=/tmp/prm-celerybeat-schedule

bench: install
	$(PY) bench/partners_list.py

bench-support: install
	DATABASE_URL=$${BENCH_SUPPORT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prm_bench_support} $(PY) bench/support_sla.py

bench-dashboards: install
	$(PY) bench/dashboards.py --build --prepare
	$(PY) bench/dashboards.py

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --fail-on-warn --file /dev/null

messages: install
	bin/messages

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles screenshots .pytest_cache
