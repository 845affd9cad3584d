# presser: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM := $(VENV)/.system-deps
TEST_SYSTEM := $(VENV)/.system-deps-test

.PHONY: demo test test-latest lock lint golden docs readme-picture bench bench-site fuzz clean

LOCK := requirements/lock.txt
# pip and setuptools, installed first: a locked package published only as source (dkimpy)
# is then built with the locked setuptools, not one fetched for the build.
INSTALLERS := requirements/installers.txt
FUZZ_LOCK := requirements/fuzz-lock.txt
LOG := $(VENV)/install.log

# The venv and the install, redone when pyproject.toml or a lock changes: exactly the
# locked versions, checked against their hashes (pip and setuptools first, then the rest),
# then presser itself, both without build isolation, so nothing unlocked is fetched to
# build a package published only as source (dkimpy) or presser.
# The output goes to .venv/install.log; on a failure its end is shown.
$(INSTALLED): pyproject.toml $(INSTALLERS) $(LOCK) $(FUZZ_LOCK)
	@echo "Installing presser and the locked packages into $(VENV) (log: $(LOG))"
	@$(PYTHON) -m venv $(VENV)
	@: > $(LOG)
	@$(BIN)/python -m pip install --require-hashes --no-deps -r $(INSTALLERS) >>$(LOG) 2>&1 \
		|| { tail -n 30 $(LOG); echo "the install of pip and setuptools failed: see $(LOG)"; exit 1; }
	@$(BIN)/python -m pip install --require-hashes --no-deps --no-build-isolation -r $(LOCK) \
		>>$(LOG) 2>&1 || { tail -n 30 $(LOG); echo "the install failed: see $(LOG)"; exit 1; }
	@$(BIN)/python -m pip install --no-deps --no-build-isolation -e . >>$(LOG) 2>&1 \
		|| { tail -n 30 $(LOG); echo "the install of presser failed: see $(LOG)"; exit 1; }
	@$(BIN)/python -m pip install --require-hashes --no-deps -r $(FUZZ_LOCK) >>$(LOG) 2>&1 \
		|| echo "atheris did not install (no wheel for this platform, and no clang): \
		fuzzing falls back to hypothesis"
	@touch $@
	@echo "Installed: $$($(BIN)/python -m pip freeze --all --exclude-editable | wc -l) packages, as locked"

# System libraries WeasyPrint needs (installed with apt-get when running as root).
$(SYSTEM): scripts/system-deps.sh | $(INSTALLED)
	@bash scripts/system-deps.sh
	@touch $@

# The tests also drive a real browser (Debian's chromium) for the HTML page.
$(TEST_SYSTEM): scripts/system-deps.sh | $(INSTALLED)
	@bash scripts/system-deps.sh chromium
	@touch $@

## demo: install, render every release in releases/ into build/, then the newsroom into build/site/
demo: $(INSTALLED) $(SYSTEM)
	@$(BIN)/presser build
	@$(BIN)/presser site
	@echo "The newsroom: file://$(CURDIR)/build/site/index.html"

# The outside checkers of the pages (the Nu Html Checker, which needs Java, and axe-core),
# exactly as requirements/checkers/package-lock.json pins them, with their integrity
# hashes, and no install scripts run. Without npm the tests that use them skip, saying so.
CHECKERS := $(VENV)/checkers/.installed
$(CHECKERS): requirements/checkers/package.json requirements/checkers/package-lock.json | $(INSTALLED)
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(VENV)/checkers && \
		cp requirements/checkers/package.json requirements/checkers/package-lock.json $(VENV)/checkers/ && \
		npm ci --ignore-scripts --no-audit --no-fund --prefix $(VENV)/checkers >>$(LOG) 2>&1 \
		|| { tail -n 20 $(LOG); echo "npm ci of the checkers failed: see $(LOG)"; exit 1; }; \
		touch $@; \
	else \
		echo "npm is not installed: the Nu Html Checker and axe-core tests will skip (apt-get install npm default-jre-headless)"; \
	fi

## test: the whole test suite
test: $(INSTALLED) $(SYSTEM) $(TEST_SYSTEM) $(CHECKERS)
	$(BIN)/python -m pytest -q

## test-latest: the suite in .venv-latest, with the newest versions pyproject.toml's
## ranges allow (not the lock): run before `make lock`, and now and then, to find drift
test-latest: $(SYSTEM) $(TEST_SYSTEM)
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e '.[dev]'
	.venv-latest/bin/python -m pip freeze --exclude-editable > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -q

## lock: regenerate requirements/*.txt (exact versions with hashes) from pyproject.toml's
## ranges and requirements/*.in, with pip-tools in a venv of its own (.venv-lock)
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet 'pip-tools>=7.4,<8'
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --upgrade \
		--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev -o $(LOCK) pyproject.toml requirements/tools.in
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --upgrade \
		--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		-o $(INSTALLERS) requirements/tools.in
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --upgrade \
		--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		-o $(FUZZ_LOCK) requirements/fuzz.in

## lint: ruff, ruff format --check, mypy, and the import rules (scripts/check_imports.py)
lint: $(INSTALLED)
	$(BIN)/ruff check presser tests bench scripts
	$(BIN)/ruff format --check presser tests bench scripts
	$(BIN)/mypy
	$(BIN)/python scripts/check_imports.py

## golden: regenerate the golden outputs in tests/golden/ (review the diff!)
golden: $(INSTALLED) $(SYSTEM)
	PRESSER_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

## docs: regenerate schema/release.schema.json, docs/format.md, docs/context.md and docs/lint.md from the code
docs: $(INSTALLED)
	$(BIN)/python -m presser schema > schema/release.schema.json
	$(BIN)/python -m presser.docs format > docs/format.md
	$(BIN)/python -m presser.docs context > docs/context.md
	$(BIN)/python -m presser.lint.docs > docs/lint.md

## readme-picture: docs/release-page.png, page 1 of a rendered release; the newsroom's pictures
readme-picture: demo
	bash scripts/system-deps.sh poppler-utils chromium
	$(BIN)/python scripts/newsroom_pictures.py
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile build/2010-01-28-jonkoping-1-4-miljoner.pdf docs/release-page
	$(BIN)/python -c "from PIL import Image; Image.open('docs/release-page.png').convert('RGB').quantize(48).save('docs/release-page.png', optimize=True)"

## bench: the benchmark of README's Performance section: one table, raw numbers in build/bench.json
bench: $(INSTALLED) $(SYSTEM)
	bash scripts/system-deps.sh pandoc
	$(BIN)/python bench/run.py

## bench-site: the newsroom at 10,000 published releases: first build, no-change rebuild, one more
bench-site: $(INSTALLED) $(SYSTEM)
	$(BIN)/python bench/site.py

## fuzz: fuzz load + validate + wire text for FUZZ_SECONDS (default 300); any crash is saved
## in tests/adversarial/fuzz-regressions/, where make test replays it from then on
FUZZ_SECONDS ?= 300
fuzz: $(INSTALLED)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_release.py -max_total_time=$(FUZZ_SECONDS)

clean:
	rm -rf build $(VENV) .venv-latest .venv-lock
