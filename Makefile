# QCDC — everyday commands. Needs only Python 3.11 and make; everything else goes into .venv.
#   make run     set up, load the demo data and start the web server + Celery worker/beat
#   make test    set up and run the whole test suite on every core (PYTEST_ARGS="-k scope -x", TEST_WORKERS=0: serially)
#   make bench   run every bench/*.py script (not the _helpers.py they import)
#   make lint    ruff check + ruff format --check + the import layers (lint-imports)
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

# Django 5.2 and the pinned requirements are used on Python 3.11 only: any other is refused, saying what to do.
define require_python311
v=$$($(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
if [ "$$v" != 3.11 ]; then echo "QCDC needs Python 3.11, but $(1) is $${v:-not a Python that runs}. $(2)" >&2; exit 1; fi
endef
# Known when the Makefile is read: will this run install the packages? (That step prints its own line.)
INSTALLING := $(if $(wildcard $(STAMP)),$(shell [ requirements.txt -nt $(STAMP) ] && echo yes),yes)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)." >&2; exit 1; }
	@$(call require_python311,$(PYTHON),Install it (Debian/Ubuntu: apt-get install python3.11 python3.11-venv) or name it: make run PYTHON=/path/to/python3.11)
	@bin/step "Virtualenv: creating $(VENV) with $(PYTHON)" $(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	@bin/step "Packages: installing requirements.txt into $(VENV) (the first time takes a few minutes)" \
		$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $@

venv: $(STAMP)
	@$(call require_python311,$(BIN)/python,$(VENV) was made with another Python: remove it (make distclean) and run again.)
	$(if $(INSTALLING),,@echo "• Packages: $(VENV) (Python 3.11) is up to date with requirements.txt")

# Incremental: only catalogues whose .po is newer than their .mo are rewritten.
translations: venv
	@bin/step "Translations: compiling locale/*/LC_MESSAGES/django.po" $(BIN)/python manage.py compiletranslations

# One line per step (a step's output is shown only if it fails), then bin/run-dev: its banner, then the
# servers' logs. Ctrl-C ends it with "Stopped." and status 0.
# The static files are collected (compressed, hashed names) and served as production serves them.
run: export QCDC_COLLECTED_STATIC := 1
run: venv translations
	@bin/step "Database ($(if $(DATABASE_URL),DATABASE_URL,SQLite in $(DATA_DIR)/)): applying migrations" \
		$(BIN)/python manage.py migrate --noinput
	@bin/step "Static files: collecting into $(DATA_DIR)/staticfiles/" $(BIN)/python manage.py collectstatic --noinput
	@if [ "$(DEMO)" != 0 ]; then \
		bin/step "Demo data: loading (make run DEMO=0 skips it)" $(BIN)/python manage.py load_demo --no-progress; \
	else echo "• Demo data: not loaded (DEMO=0)"; fi
	@HOST=$(HOST) PORT=$(PORT) DEMO=$(DEMO) exec $(BIN)/python bin/run-dev

# The suite runs in TEST_WORKERS pytest processes (pytest-xdist; default one per core, at most 4; 0: in this
# process), each test module whole in one of them. pytest's own exit status is make's: 1 for failures, 5 for
# "no tests collected".
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
test: venv translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

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
	$(BIN)/lint-imports

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
