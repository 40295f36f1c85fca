# The template's developer loop. A fresh machine needs only python3 (>= 3.10):
#   make demo   generate a connector from the defaults, install it, run its tests and a local run
#   make test   run the template's own test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
DEV_PYTHON := $(VENV)/bin/python
DEMO := build/demo

.PHONY: demo test test-all-releases lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(DEV_PYTHON) -m pip install --quiet uv
	$(VENV)/bin/uv pip install --quiet --python $(DEV_PYTHON) -r pyproject.toml --extra dev
	touch $@

demo: $(VENV)/.installed  ## Generate the default connector, install it, test it, run it locally
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(DEV_PYTHON) -m cookiecutter --no-input . -o $(DEMO)
	$(VENV)/bin/uv venv --quiet --python $(DEV_PYTHON) $(DEMO)/my-awesome-connector/.venv
	cd $(DEMO)/my-awesome-connector && $(MAKE) install PIP="$(CURDIR)/$(VENV)/bin/uv pip" \
		&& $(MAKE) test && $(MAKE) run-local && $(MAKE) run-local CONFIG=csv_example.yaml

test: $(VENV)/.installed  ## The template's tests: bakes, hooks, generated projects on the oldest and newest release
	$(DEV_PYTHON) -m pytest

test-all-releases: $(VENV)/.installed  ## Slow: generated projects against every supported minor release
	TEMPLATE_ALL_RELEASES=1 $(DEV_PYTHON) -m pytest tests/test_generated_projects.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed  ## Measured figures into benchmarks/ (~20 min on 2 cores; ARGS=--quick: ~7 min)
	$(DEV_PYTHON) -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) .cache build
