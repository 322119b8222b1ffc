# make demo: set up, then train and test FMPN on the embedded synthetic CK+.
# make test: set up, then run the test suite.
# Both create and reuse .venv unless a virtual environment is already active.
SHELL := /bin/bash
PYTHON_SYSTEM ?= python3
ifdef VIRTUAL_ENV
PYTHON := python
STAMP := $(VIRTUAL_ENV)/.mmfmpn-installed
else
PYTHON := .venv/bin/python
STAMP := .venv/.mmfmpn-installed
endif

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): setup.py
ifndef VIRTUAL_ENV
	test -x .venv/bin/python || $(PYTHON_SYSTEM) -m venv .venv
endif
	$(PYTHON) -m pip install --upgrade "pip>=23" "setuptools<82" wheel
	$(PYTHON) -m pip install -e ".[tests]"
	touch $(STAMP)

demo: setup
	$(PYTHON) tools/demo_ckplus.py --out-dir work_dirs/demo

test: setup
	$(PYTHON) -m pytest tests -q

clean:
	rm -rf work_dirs .pytest_cache
