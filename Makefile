# Two commands matter: `make run` (the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CHAT   := sandbox/web/chat
NODE_STAMP := $(CHAT)/node_modules/.installed-stamp
MANIFEST_SCHEMA := tests/manifest/schema
MANIFEST_STAMP  := $(MANIFEST_SCHEMA)/node_modules/.installed-stamp
CARDS_NODE := tests/cards/node
CARDS_NODE_STAMP := $(CARDS_NODE)/node_modules/.installed-stamp

.PHONY: run reset test test-live setup system-deps lint types pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

system-deps:
	bash .ci/system-deps

# The web chat's front-end packages, exactly as the lock file pins them.
$(NODE_STAMP): $(CHAT)/package.json $(CHAT)/package-lock.json
	npm ci --prefix $(CHAT) --no-audit --no-fund
	touch $@

# Microsoft's Teams manifest schemas and validator (tests/manifest), as the lock file pins them.
$(MANIFEST_STAMP): $(MANIFEST_SCHEMA)/package.json $(MANIFEST_SCHEMA)/package-lock.json
	npm ci --prefix $(MANIFEST_SCHEMA) --no-audit --no-fund
	touch $@

# Microsoft's adaptivecards renderer, jsdom and Teams' host configs (tests/cards), as pinned.
$(CARDS_NODE_STAMP): $(CARDS_NODE)/package.json $(CARDS_NODE)/package-lock.json
	npm ci --prefix $(CARDS_NODE) --no-audit --no-fund
	touch $@

setup: system-deps $(STAMP) $(NODE_STAMP) $(MANIFEST_STAMP) $(CARDS_NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy .

pytest: setup
	$(BIN)/pytest

test: setup lint types pytest

# A full provisioning and removal in a real test tenant (see the README); never part of `test`.
test-live: setup
	$(BIN)/pytest -p no:cacheprovider -o addopts="-ra" -s tests/live

# The embedded default: sandbox, bot, runner and notifier; state kept in .demo until `make reset`.
run: setup
	$(BIN)/python app.py demo

reset:
	rm -rf .demo

# Every figure script (the helpers beside them have no ``__main__``) runs, even after one
# fails; the exit status says whether any did.
bench: setup
	@failed=""; for script in $$(grep -l '__name__ == "__main__"' bench/*.py); do \
		echo "== $$script"; \
		$(BIN)/python $$script || failed="$$failed $$script"; done; \
	if [ -n "$$failed" ]; then echo "figures failed in:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) .sandbox .demo .pytest_cache .mypy_cache .ruff_cache $(CHAT)/node_modules \
		$(MANIFEST_SCHEMA)/node_modules $(CARDS_NODE)/node_modules
