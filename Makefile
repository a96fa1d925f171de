# QCDC — everyday commands. Needs only Python 3.11 and make; everything else goes into .venv.
#   make run     set up, load the demo data and start the web server + Celery worker/beat
#   make test    set up and run the whole test suite (extra pytest arguments: PYTEST_ARGS="-k scope -x")
#   make bench   run every bench/*.py script (not the _helpers.py they import)
#   make lint    ruff check + ruff format --check
#   make messages  extract translatable strings into locale/{vi,en} (needs GNU gettext)
#   make clean   remove built files (compiled translations, collected static files, caches)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Written after a successful install; requirements.txt newer than it means install again.
STAMP := $(VENV)/.requirements.stamp
DATA_DIR := $(or $(QCDC_DATA_DIR),data)

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# DEMO=0 skips loading the demo units, users and reports (e.g. on a copy of real data).
DEMO ?= 1

.PHONY: help venv translations run test bench lint format messages clean distclean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $@

venv: $(STAMP)

# Incremental: only catalogues whose .po is newer than their .mo are rewritten.
translations: venv
	$(BIN)/python manage.py compiletranslations

run: venv translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@if [ "$(DEMO)" != 0 ]; then echo "$(BIN)/python manage.py load_demo"; $(BIN)/python manage.py load_demo; fi
	@HOST=$(HOST) PORT=$(PORT) exec bin/run-dev

# pytest's own exit status is make's: 1 for failures, 5 for "no tests collected".
test: venv translations
	$(BIN)/pytest $(PYTEST_ARGS)

bench: venv translations
	@shopt -s nullglob; scripts=(bench/[!_]*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No bench/*.py scripts."; exit 0; fi; \
	status=0; \
	for script in "$${scripts[@]}"; do \
		: ; \
		PYTHONPATH=$(CURDIR) $(BIN)/python "$$script" || { echo "FAILED: $$script" >&2; status=1; }; \
	done; \
	exit $$status

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: venv
	@command -v msguniq >/dev/null || { echo "makemessages needs GNU gettext: apt-get install gettext" >&2; exit 1; }
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete \
		--ignore '.venv/*' --ignore 'data/*' --ignore 'static/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*'
	$(BIN)/python manage.py compiletranslations

clean:
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
		\( -name '*.mo' -o -name '*.mo.tmp' -o -name __pycache__ -o -name '*.pyc' \) -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache $(DATA_DIR)/staticfiles

# Also removes the virtualenv. The database and uploads in $(DATA_DIR)/ are never touched by make.
distclean: clean
	rm -rf $(VENV)
