# Course tasks. Every target that needs the environment builds it first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROFILE ?= quick
NOTEBOOKS ?=
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help setup lock data fashion-mnist browser run smoke report test unit unit-fast nbval nbval-chain nbval-rest nbval-floors lint lab reference student student-check bench fresh-check book clean

help:
	@echo "make setup       create .venv with the pinned packages and the helpers and tools packages"
	@echo "make lock        after editing requirements.txt: resolve it afresh and pin the result in constraints.txt"
	@echo "make data        fetch Fashion-MNIST (and try CIFAR-100 and the ResNet50 weights)"
	@echo "                 (make fashion-mnist: Fashion-MNIST alone, as every target that runs a notebook does)"
	@echo "make browser     Debian's Chromium for the site's browser test (installed as root; make test does this first)"
	@echo "make run         run the notebooks headless: PROFILE=smoke|quick|full (default quick), NOTEBOOKS=\"01 03\""
	@echo "                 then build the run report build/<profile>/index.html"
	@echo "make report      rebuild the run report of the last run (PROFILE=... picks a profile)"
	@echo "make smoke       the papermill smoke run of every notebook, with its report and accuracy floors"
	@echo "make test        unit tests and notebook lint, and nbval of the committed notebooks with the smoke floors"
	@echo "make unit        the unit tests alone, slow ones included (kernels, TensorFlow training, the browser)"
	@echo "make unit-fast   the unit tests not marked slow: a maintainer's inner loop, about a minute on 2 cores"
	@echo "make nbval       nbval of the committed notebooks (smoke profile) and the smoke floors, without the unit tests"
	@echo "                 (its parts: nbval-chain for 05-08 in order, nbval-rest for the others, nbval-floors)"
	@echo "make lint        the notebook lint and ruff alone"
	@echo "make student     student versions without solutions in build/student/"
	@echo "make student-check  run every student notebook until its first exercise (slow)"
	@echo "make bench       measure the course on this machine: results/bench.json and docs/benchmarks.md"
	@echo "                 (ONLY=notebooks,smoke-least,startup,side-by-side,best-model picks parts; takes the CPU lock)"
	@echo "make fresh-check clone the committed course into a temporary folder and run the README's quick start"
	@echo "make lab         JupyterLab on notebooks/ with the course's kernel, on the quick profile (PROFILE=full ...)"
	@echo "make book        the course site from the committed notebooks (no execution): build/book/index.html"
	@echo "make reference   regenerate the committed outputs (full profile, fresh kernel, in place)"
	@echo "make clean       remove build outputs and caches (keeps .venv, data/, models/, results/full/)"

# Re-installs only when the pins or the package definition change.
setup: $(STAMP)
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or 3.12 is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# After editing requirements.txt: resolve it afresh and pin the result in constraints.txt.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	{ echo "# Every package of the environment, pinned: the versions requirements.txt resolved to."; \
	  echo "# Regenerate with \`make lock\` after changing requirements.txt."; \
	  .venv-lock/bin/python -m pip freeze --all | grep -v -i '^pip=='; } > constraints.txt
	rm -rf .venv-lock

data: setup
	$(BIN)/python tools/fetch_data.py

# Every target that runs a notebook or the tests fetches Fashion-MNIST first when this machine
# has no usable copy (a second's check when it has one).
fashion-mnist: setup
	@$(BIN)/python tools/fetch_data.py --fashion-mnist

# The report is built even when a notebook failed (it shows which and links its output);
# the exit status stays the run's.
run: fashion-mnist
	$(BIN)/python tools/run_notebooks.py --profile $(PROFILE) $(NOTEBOOKS); status=$$?; \
	$(BIN)/python tools/build_report.py --profile $(PROFILE) || status=1; exit $$status

# As run, plus: every model the smoke run records must reach its accuracy floor (tests/smoke_floors.json).
smoke: fashion-mnist
	$(BIN)/python tools/run_notebooks.py --profile smoke $(NOTEBOOKS); status=$$?; \
	$(BIN)/python tools/build_report.py --profile smoke || status=1; \
	$(BIN)/python tools/smoke_floors.py || status=1; exit $$status

# Without PROFILE on the command line (or in the environment): the profile that ran last.
report: setup
	$(BIN)/python tools/build_report.py $(if $(filter command line environment,$(origin PROFILE)),--profile $(PROFILE))

# The course site's browser test needs Debian's Chromium: installed here as root with apt-get, else make test
# stops at once, before building anything, with one message that names what to install.
browser:
	@$(PYTHON) -m tools.browser

unit: browser fashion-mnist
	$(BIN)/python -m pytest tests -q

# The tests not marked slow (pyproject.toml's marker): no kernels, no TensorFlow training, no browser.
unit-fast: fashion-mnist
	$(BIN)/python -m pytest tests -q -m "not slow"

# Runs every committed notebook under the smoke profile and checks the marked cells' outputs. Its
# models record their accuracies in build/test/, where the smoke floors are then checked: make test
# needs no second (papermill) smoke run of the same notebooks. The notebooks run in two groups side by
# side: 05-08 in order, because each hands its checkpoint on (07 loads 06's or 05's, 08 dissects 07's),
# and the others, which stand alone. Results from both land in one file (record_result locks it).
NBVAL_CHAIN := $(addprefix notebooks/,05_pooling_and_checkpoints.ipynb 06_deeper_high_resolution.ipynb \
	07_regularization.ipynb 08_kernel_dissection.ipynb)
NBVAL_REST := $(filter-out $(NBVAL_CHAIN),$(sort $(wildcard notebooks/[0-9]*.ipynb)))
NBVAL_ENV := COURSE_PROFILE=smoke COURSE_MODELS_DIR="$(CURDIR)/build/test/models" \
	COURSE_RESULTS_DIR="$(CURDIR)/build/test/results"

# make test runs the unit tests beside the two groups. Much of all three jobs is single-threaded
# (kernel starts, imports, graph tracing), so on 2 cores they end sooner together than one after the
# other. --output-sync prints each job's log in one piece; --keep-going lets every job report. The
# floors are checked once both groups have passed.
nbval: NBVAL_JOBS := 2
test: NBVAL_JOBS := 3
test: BESIDE := unit
test: browser fashion-mnist
nbval: fashion-mnist
nbval test:
	rm -rf build/test/results build/test/models
	$(MAKE) --no-print-directory --keep-going -j$(NBVAL_JOBS) --output-sync=target $(BESIDE) nbval-floors

nbval-chain nbval-rest: fashion-mnist
	$(NBVAL_ENV) $(BIN)/python -m pytest -p no:cacheprovider $(NBVAL) $(if $(filter nbval-chain,$@),$(NBVAL_CHAIN),$(NBVAL_REST)) -q

nbval-floors: nbval-chain nbval-rest
	COURSE_RESULTS_DIR="$(CURDIR)/build/test/results" $(BIN)/python tools/smoke_floors.py --all

lint: setup
	$(BIN)/python tools/lint_notebooks.py

student: setup
	$(BIN)/python tools/make_student.py $(NOTEBOOKS)

student-check: fashion-mnist
	STUDENT_RUN=all $(BIN)/python -m pytest tests/test_student.py -q

# The bench holds the machine's CPU lock for its whole run, so no other heavy job overlaps it.
# Not to be started under flock on the same file: it would wait for itself.
CPU_LOCK ?= /tmp/course-cpu.lock
bench: fashion-mnist
	@flock -n $(CPU_LOCK) true || echo "make bench: waiting for the CPU lock $(CPU_LOCK), which another job holds"
	flock $(CPU_LOCK) $(BIN)/python tools/bench.py $(if $(ONLY),--only $(ONLY))
	$(BIN)/python tools/readme_times.py

# Needs no .venv here: the clone builds its own, as a new user's machine would.
fresh-check:
	bash tools/fresh_check.sh

# The kernels start on the quick profile unless PROFILE says otherwise; the pages still show the full run.
lab: setup
	COURSE_PROFILE=$(PROFILE) $(BIN)/jupyter lab notebooks

# The site from the committed notebooks and their outputs; nothing is executed.
book: setup
	$(BIN)/python tools/book/build_book.py

# The README's times follow the new measurements, as the setup lines do (even when a notebook failed).
reference: setup
	$(BIN)/python tools/run_notebooks.py --reference $(NOTEBOOKS); status=$$?; \
	$(BIN)/python tools/readme_times.py || status=1; exit $$status

clean:
	rm -rf build results/smoke results/quick .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
	@echo "Kept .venv/, data/, models/ and results/full/; remove them by hand if you mean to."
