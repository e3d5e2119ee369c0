# Two commands for a fresh Debian/Ubuntu machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
STAMP := $(VENV)/.installed
PY := $(VENV)/bin/python

.PHONY: run test lint hub screenshots bench system-deps clean dist dist-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

DIST_STAMP := $(VENV)/.installed-dist
$(DIST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,dist]'
	touch $(DIST_STAMP)

system-deps:
	@scripts/system-deps.sh

run: system-deps $(STAMP)
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ -z "$$QT_QPA_PLATFORM" ]; then \
	  echo "make run: no display found (DISPLAY and WAYLAND_DISPLAY are unset)."; \
	  echo "On a headless machine run the wizard on a virtual screen:"; \
	  echo "  xvfb-run -a -s '-screen 0 1280x900x24' $(PY) main.py"; \
	  echo "or prepare roster files without a window:  $(PY) main.py prepare --help"; \
	  exit 1; \
	fi
	$(PY) main.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: system-deps $(STAMP) lint
	VENV=$(VENV) scripts/run-tests.sh

hub: $(STAMP)
	$(PY) main.py hub --seed demo

# The performance benchmark (README, Performance): a 1,000,000-student district; e.g. BENCH_ARGS='--students 20000'
bench: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) main.py bench $(BENCH_ARGS)

screenshots: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) main.py screenshots docs/screenshots

# The one-folder desktop bundle in dist/district-wizard/ (PyInstaller; Windows and macOS: see the spec).
dist: system-deps $(DIST_STAMP)
	@start=$$(date +%s) && \
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/district-wizard.spec && \
	echo $$(( $$(date +%s) - start )) > dist/build-seconds.txt && \
	echo "Built dist/district-wizard/ in $$(cat dist/build-seconds.txt) s"

# Starts the bundle offscreen from outside the checkout: --version, prepare, the screenshot tour, the GUI.
dist-check: dist
	$(PY) scripts/dist_check.py dist/district-wizard

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
