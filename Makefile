PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint index browser postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the Playwright browser tests (never `playwright install`).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian chromium for browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "WARNING: chromium could not be installed; browser tests will be skipped"; \
	fi

# Debian's PostgreSQL server binaries: the tests start their own throwaway cluster
# (tests/postgres.py) to run the store's PostgreSQL half; no service is set up.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then \
		echo "Installing Debian postgresql for the PostgreSQL half of the tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
		|| echo "WARNING: postgresql could not be installed; PostgreSQL tests will be skipped"; \
	fi

index: install
	$(BIN)/munnav init-sample

run: index
	$(BIN)/munnav serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install browser postgres
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance test-artefacts
