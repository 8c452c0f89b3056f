# `make run` and `make test` create .venv on first use and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: run test test-fast bench soak lint bundle clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/annotator

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" -x -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

# 100 SIGKILLs during edits (docs/reliability.md); too long for every CI run
soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/soak_kills.py

lint: $(STAMP)
	$(BIN)/lint-imports

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bundle]'
	touch $(BUNDLE_STAMP)

# The app as one folder, dist/annotator/ (PyInstaller; see docs/packaging.md).
bundle: $(BUNDLE_STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller packaging/annotator.spec --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller && \
	echo "bundle built in $$(( $$(date +%s) - start )) s: $$(du -sh dist/annotator | cut -f1) in dist/annotator"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
