# Thesaban — run `make help` for the list of commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv installs the locked dependencies; a machine without uv gets its own copy in .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install demo check-site test lint format check migrations-check messages clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

install: $(UV) ## Create .venv with the locked dependencies
	$(UV) sync --frozen

demo: install ## Install, load the demo municipality, start the worker and serve on 127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "Serving http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/admin/). Ctrl-C stops the site and the worker."
	@trap 'kill 0' EXIT INT TERM; \
		$(MANAGE) run_worker & \
		$(MANAGE) runserver $(HOST):$(PORT)

check-site: install ## Check every live page and its links now, and mail the digests
	$(MANAGE) check_site

test: install ## Run the whole test suite (DATABASE_URL selects PostgreSQL)
	$(UV) run --frozen pytest

lint: install ## ruff lint and format check, template indentation, the apps' layering
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen djhtml --check $$(find thesaban -path '*/templates/*' -name '*.html')
	$(UV) run --frozen lint-imports --no-cache

format: install ## Format the code
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .
	$(UV) run --frozen djhtml $$(find thesaban -path '*/templates/*' -name '*.html')

check: install ## Django system checks, migrations up to date, production deploy checks
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DATABASE_URL=sqlite:///var/check.sqlite3 ALLOWED_HOSTS=example.go.th \
		DJANGO_SETTINGS_MODULE=thesaban.settings.production \
		$(MANAGE) check --deploy --fail-level WARNING

messages: ## Compile the Thai translations after editing a .po file
	cd thesaban && for po in locale/th/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po"; done

clean: ## Remove the demo database, media and caches (not .venv)
	rm -rf var/
