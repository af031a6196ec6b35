# The targets behind the README's two commands: `make run` and `make test`.
# Everything installs into .venv/ at the repository root.

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
HOST    ?= 127.0.0.1
PORT    ?= 8501

.PHONY: venv install install-test system-deps build run test lint bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(PY)

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

# Debian packages the tests need (Chromium for the browser test, fonts, Virtuoso).
system-deps:
	bash scripts/install-system-deps.sh

build: install
	$(VENV)/bin/repgraph build

run: build
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .

test: install-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: install-test
	$(PY) benchmarks/run.py

clean:
	rm -rf .repgraph .pytest_cache build *.egg-info
