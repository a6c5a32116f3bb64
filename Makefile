# docgen — 两条命令完成全部准备：make demo / make test
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.docgen-installed

.PHONY: setup fonts test-deps demo test clean templates

setup: $(STAMP) fonts

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

fonts:
	bash scripts/install-system-deps.sh

test-deps:
	bash scripts/install-system-deps.sh --test

templates: setup
	$(BIN)/python templates/build_templates.py

demo: setup
	$(BIN)/python scripts/render_samples.py out

test: setup test-deps
	$(BIN)/python -m pytest -q -n 2  # 两个进程并行（两核上约 5.5 分钟；单进程约 8.5 分钟）

clean:
	rm -rf out .pytest_cache
