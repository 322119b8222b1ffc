# make demo: set up, then train and test FMPN on the embedded synthetic CK+.
# make test: set up, then run the test suite.
# make lint: set up, then check the code with flake8, isort and yapf
#   (settings in setup.cfg); make format rewrites it the way they want.
# make wheel: build dist/mmfmpn-VERSION-py3-none-any.whl (configs, tools and
#   model index in mmfmpn/.mim, for mim and the model hub).
# Each creates and reuses .venv unless a virtual environment is already active.
SHELL := /bin/bash
PYTHON_SYSTEM ?= python3
ifdef VIRTUAL_ENV
PYTHON := python
STAMP := $(VIRTUAL_ENV)/.mmfmpn-installed
else
PYTHON := .venv/bin/python
STAMP := .venv/.mmfmpn-installed
endif

# What the linters check and `make format` rewrites.
LINT_PATHS := mmfmpn tools tests demo configs setup.py

.PHONY: setup demo test lint format wheel clean

setup: $(STAMP)

$(STAMP): setup.py
ifndef VIRTUAL_ENV
	test -x .venv/bin/python || $(PYTHON_SYSTEM) -m venv .venv
endif
	$(PYTHON) -m pip install --upgrade "pip>=23" "setuptools>=70.1,<82"
	$(PYTHON) -m pip install -e ".[tests]"
	touch $(STAMP)

demo: setup
	$(PYTHON) tools/demo_ckplus.py --out-dir work_dirs/demo

test: setup
	$(PYTHON) -m pytest tests -q

lint: setup
	$(PYTHON) -m flake8 $(LINT_PATHS)
	$(PYTHON) -m isort --check-only --diff $(LINT_PATHS)
	$(PYTHON) -m yapf --diff --recursive --parallel $(LINT_PATHS)

format: setup
	$(PYTHON) -m isort $(LINT_PATHS)
	$(PYTHON) -m yapf --in-place --recursive --parallel $(LINT_PATHS)

wheel: setup
	$(PYTHON) -m pip wheel --no-deps --wheel-dir dist .

clean:
	rm -rf work_dirs .pytest_cache build dist
