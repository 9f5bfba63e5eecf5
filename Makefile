# Two entry points for a fresh machine: `make report` and `make test`.
# Everything goes into a project-local virtual environment (.venv); nothing is installed globally
# except the system libraries WeasyPrint needs, which tools/check_system.py checks (and installs as root).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the tests also run the Spark engine (tests/test_spark.py): its extra is installed for them only, so that
# `make report` needs neither PySpark nor Java
SPARK  := $(VENV)/.spark

.PHONY: report test install benchmark clean

report: $(STAMP)
	$(BIN)/reportgen build --lang fr

test: $(STAMP) $(SPARK)
	$(BIN)/python -m pytest

install: $(STAMP)

# Re-install when the dependencies change.
$(STAMP): pyproject.toml tools/check_system.py
	$(PYTHON) tools/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(SPARK): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(SPARK)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/prediction.py

clean:
	rm -rf $(VENV) .pytest_cache
