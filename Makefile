# Two entry points for a fresh machine (Python 3.11+ with venv):
#   make demo   set everything up, then run `sitreps demo` on the bundled sample articles
#   make test   set everything up, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test setup lint bench fuzz hostile clean-report eval-geo eval-ucdp eval-events eval-articles eval-agreement eval-audit eval-quotes eval-certainty eval-clusters
SHARED ?= ../shared

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps -r requirements/model.txt
	touch $@

demo: setup
	$(BIN)/sitreps demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/throughput.py

# the generated hostile input of tests/test_fuzz.py and tests/test_schema.py, 5,000 and 1,000
# examples per target instead of 150 and 30
fuzz: setup
	HYPOTHESIS_PROFILE=long SITREPS_SCHEMA_EXAMPLES=1000 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_schema.py

# hostile files through a whole `sitreps ingest`: every one refused with a code or stored, none slow
hostile: setup
	$(BIN)/python benchmarks/hostile.py

clean-report: setup
	$(BIN)/python benchmarks/cleaning_report.py

# Evaluation on third-party data in $(SHARED) (not part of the repository); see docs/evaluation.md
eval-geo: setup
	$(BIN)/sitreps eval geo $(SHARED)/data/geo/*.dev.jsonl --markdown

eval-ucdp: setup
	$(BIN)/sitreps eval geo $(SHARED)/data/events/ucdp_ged_ukraine.dev.csv --postal $(SHARED)/data/geo/UA_geonames_postalcodes.txt --markdown

eval-events: setup
	$(BIN)/sitreps eval events $(SHARED)/data/events/ucdp_ged_ukraine.dev.csv --articles $(SHARED)/data/articles/ukraine_war_news_2022_2023.jsonl --markdown

# every event of the 40 fully annotated articles (labels in src/sitreps/evaluation/labels)
eval-articles: setup
	$(BIN)/sitreps eval articles $(SHARED)/data/articles/ukraine_war_news_2022_2023.jsonl --markdown

# how far a second, blind annotator of the same 40 articles agrees with the gold (no model; a second)
eval-agreement: setup
	$(BIN)/sitreps eval agreement $(SHARED)/data/articles/ukraine_war_news_2022_2023.jsonl --markdown

# a random draw of what the map shows, as a worksheet for a judge (AUDIT_HALF: tune on the tune half,
# judge the report half once at the end; AUDIT_SEED: report on a seed you did not tune on)
AUDIT_SEED ?= 20261205
AUDIT_N ?= 100
AUDIT_HALF ?= tune
eval-audit: setup
	$(BIN)/sitreps eval audit $(SHARED)/data/articles/ukraine_war_news_2022_2023.jsonl --db audit.db --n $(AUDIT_N) --seed $(AUDIT_SEED) --half $(AUDIT_HALF) -o audit-$(AUDIT_HALF)-$(AUDIT_SEED).jsonl

eval-quotes: setup
	$(BIN)/sitreps eval quotes $(SHARED)/data/quotes/polnear.dev.jsonl --markdown

eval-certainty: setup
	$(BIN)/sitreps eval certainty $(SHARED)/data/factuality/meantime_en --markdown

eval-clusters: setup
	$(BIN)/sitreps eval clusters $(SHARED)/data/clustering/ecbplus_docs.dev.jsonl --markdown
