# The two quick-start commands: `make demo` (main job) and `make test` (test suite).
# torch==2.13.0 is installed first and on its own: on the project's machines this pin
# resolves to a local CPU wheel, while an open range pulls several GB of CUDA packages.
# Elsewhere, install the torch build you want first and set TORCH_SPEC accordingly.
PYTHON ?= python3
TORCH_SPEC ?= torch==2.13.0

.PHONY: install install-test demo test lint

install:
	$(PYTHON) -m pip install --quiet "$(TORCH_SPEC)"
	$(PYTHON) -m pip install --quiet -e .

install-test:
	$(PYTHON) -m pip install --quiet "$(TORCH_SPEC)"
	$(PYTHON) -m pip install --quiet -e ".[test,docs]"

demo: install
	$(PYTHON) -m skmtl demo

test: install-test
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check .
