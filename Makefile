# Two commands from a fresh clone:  make book   and   make test
# Both create the virtual environment .venv from requirements.lock first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
JAX_STAMP := $(VENV)/.jax-stamp

# First interpreter that is Python >= 3.12: on PATH, then under pyenv.
define find_python
for candidate in python3.12 python3.13 \
    "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.12*/bin/python \
    "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.13*/bin/python \
    python3 python; do \
  if command -v "$$candidate" >/dev/null 2>&1 && \
     "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help venv jax book test lint lock clean benchmark
help:
	@echo "make book   render the book with Quarto into _book/ (HTML pages and PDF)"
	@echo "make test   lint, unit tests, then the whole book rendered by Quarto and checked"
	@echo "make lock   re-resolve the dependencies into requirements.lock and requirements-jax.lock"
	@echo "make jax    add the optional JAX samplers (numpyro, blackjax) to .venv"
	@echo "make benchmark  time the likelihoods and the book build (benchmarks/README.md)"
	@echo "make clean  remove _book/, the frozen chapter results and .venv/"

$(STAMP): requirements.lock pyproject.toml
	@python=$$($(find_python)) || { \
	  echo "error: this project needs Python 3.12 or newer, and none was found." >&2; \
	  echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package," >&2; \
	  echo "then run make again." >&2; exit 1; }; \
	echo "Using $$python ($$($$python --version))"; \
	[ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

venv: $(STAMP)

# The optional JAX samplers (extra "jax"), pinned in their own lock file: the
# tests need them, the book does not.
$(JAX_STAMP): requirements-jax.lock $(STAMP)
	$(PY) -m pip install --quiet -r requirements-jax.lock
	@touch $@

jax: $(JAX_STAMP)

# Quarto renders the book (book/build.py): $$QUARTO, else quarto on PATH, else
# .venv/bin/quarto, else the quarto-cli package is installed into .venv.
book: $(STAMP)
	$(PY) -m book.build

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint $(JAX_STAMP)
	$(PY) -m pytest

benchmark: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/mice_speed.py

lock:
	rm -rf .lock-venv
	$$($(find_python)) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[book,test]"
	.lock-venv/bin/python -m pip freeze --exclude companion > requirements.lock
	.lock-venv/bin/python -m pip install --quiet -c requirements.lock ".[jax]"
	.lock-venv/bin/python -m pip freeze --exclude companion | grep -vxFf requirements.lock \
	  > requirements-jax.lock
	rm -rf .lock-venv

clean:
	rm -rf _book _freeze .quarto .render.log $(VENV)
