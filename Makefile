# The two commands: `make demo` and `make test`. Everything else is for developers.
#
# Python packages come from uv.lock only (exact versions, checked against their hashes).
# uv itself is installed first, into .tools/, from requirements/uv.txt (also hashed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv installs into $(VENV) with the Python named above, and never downloads a Python.
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint format bench install lock upgrade lock-check clean messages

$(UV): requirements/uv.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r requirements/uv.txt
	touch $(UV)

# --locked: refuse to install when uv.lock is out of step with pyproject.toml.
# --compile-bytecode, and compileall for our own source: every process (each test
# worker, each command a test starts, each web worker) then loads compiled modules
# instead of compiling SciPy, Matplotlib, WeasyPrint and the rest again, which matters
# where the environment sets PYTHONDONTWRITEBYTECODE.
$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --extra dev --quiet --compile-bytecode
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	VOCREHAB_DEBUG=1 VOCREHAB_DEMO=1 $(BIN)/vocrehab demo

# One worker per core (pytest-xdist); the tests of one file stay together on one worker.
# Bytecode is written even where the environment says not to: pytest then keeps the
# test modules it rewrites for its assertion messages, so that the next run (and each
# worker of it) does not rewrite all of them again, about 6 s of every worker's start.
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Welsh catalogue from the source, then compile it (needs GNU gettext).
# Both files are committed: installing and testing need no gettext.
messages: $(STAMP)
	cd src/vocrehab && VOCREHAB_DEBUG=1 ../../$(BIN)/vocrehab makemessages -l cy --no-obsolete --ignore 'static/*'
	cd src/vocrehab && VOCREHAB_DEBUG=1 ../../$(BIN)/vocrehab compilemessages -l cy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Refresh the lock after a change to pyproject.toml (keeps every pin that still fits).
lock: $(UV)
	$(UV) pip compile --quiet --universal --generate-hashes \
	  requirements/uv.in -o requirements/uv.txt
	$(UV) lock

# Move every pin to the newest version pyproject.toml allows. Review the diff, run the suite.
upgrade: $(UV)
	$(UV) lock --upgrade

# Fails when uv.lock no longer satisfies pyproject.toml (CI runs this).
lock-check: $(UV)
	$(UV) lock --check

clean:
	rm -rf $(VENV) $(TOOLS) var/ *.egg-info src/*.egg-info
