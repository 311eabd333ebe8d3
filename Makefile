# Stancewatch: `make run` serves the demo on http://127.0.0.1:$(PORT); `make test` runs the suite.
# Both create the environment first (.venv, with uv; uv is installed with pip if missing).

PYTHON ?= python3
PORT ?= 8000
# uv must use the interpreter .python-version names (pyenv or the system supplies it), never
# download one.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
MANAGE := $(UV) run --frozen python manage.py

.PHONY: run test lint format venv uv migrate demo clean bench-pages bench-extract eval load

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

venv: uv
	$(UV) sync --frozen

migrate: venv
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo "Stancewatch on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# axe-core (npm) is injected by the browser tests; without npm they are skipped locally.
tests/browser/node_modules: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --silent; \
		else echo "npm not found: accessibility checks will be skipped"; fi

test: venv tests/browser/node_modules
	$(UV) run --frozen pytest

bench-pages: venv
	$(UV) run --frozen python bench/pages.py

# Extraction speed and memory on the evaluation set, beside news-please, then (with REDIS_URL)
# the seconds from a feed poll to a visible suggestion through a real worker (bench/README.md).
bench-extract: venv
	$(UV) run --frozen python bench/extract.py
	$(UV) run --frozen python bench/feed_latency.py

# 60 s at 32 clients against gunicorn on PostgreSQL with 20k synthetic contacts (bench/README.md).
load: venv
	$(UV) run --frozen python bench/load.py

# Precision and recall of `manage.py extract` on the project's evaluation set.
eval: venv
	$(UV) run --frozen python bench/eval.py

lint: venv
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: venv
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf .venv staticfiles .pytest_cache .ruff_cache
