# policykg — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/policykg.lbdb
GOLD   ?= ../shared/gold
SCORER ?= ../shared/eval/score.py
# Neo4j's own Cypher front end (npm), which the tests use to check every statement sent to Neo4j
LINT   := tests/cypher_lint
# A real Neo4j Community 5.26 (Maven Central) for the Bolt tests and `make neo4j-local`
NEO4J_SERVER := tests/neo4j_server
NEO4J_JAR    := $(NEO4J_SERVER)/target/neo4j-server.jar
# The pages' chart library (Apache ECharts), pinned in package.json there; the minified file is committed
VENDOR := pages/assets/vendor
# Mermaid's own parser, which the tests run in headless Chromium to check the lineage export
MERMAID := tests/mermaid_check

.PHONY: run install dev vendor neo4j-local lint typecheck test eval eval-set bench bench-pathological clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

$(LINT)/node_modules/.installed: $(LINT)/package.json $(LINT)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found; the tests check Cypher with Neo4j's parser, which needs Node.js 20+ and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix $(LINT) --no-audit --no-fund --loglevel=error
	touch $@

# The pinned npm package, against which a test checks the committed copy byte for byte
$(VENDOR)/node_modules/.installed: $(VENDOR)/package.json $(VENDOR)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found; the tests check the vendored chart library against npm's (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix $(VENDOR) --no-audit --no-fund --loglevel=error
	touch $@

$(MERMAID)/node_modules/.installed: $(MERMAID)/package.json $(MERMAID)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found; the tests check the Mermaid export with Mermaid's parser (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix $(MERMAID) --no-audit --no-fund --loglevel=error
	touch $@

## vendor: after changing the version in pages/assets/vendor/package.json (and `npm install` there), copy the new build and licences
vendor: $(VENDOR)/node_modules/.installed
	cp $(VENDOR)/node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	cp $(VENDOR)/node_modules/echarts/LICENSE $(VENDOR)/LICENSE-echarts
	cp $(VENDOR)/node_modules/echarts/NOTICE $(VENDOR)/NOTICE-echarts
	cp $(VENDOR)/node_modules/echarts/licenses/LICENSE-d3 $(VENDOR)/LICENSE-d3
	cp $(VENDOR)/node_modules/zrender/LICENSE $(VENDOR)/LICENSE-zrender

# Without Java and Maven the Neo4j tests skip (a laptop); CI (CI=true) must run them, so there it fails.
$(NEO4J_SERVER)/target/.built: $(NEO4J_SERVER)/pom.xml $(wildcard $(NEO4J_SERVER)/src/main/java/policykg/neo4jserver/*.java)
	@if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then \
	  msg="the Neo4j tests need Java 17+ and Maven to build $(NEO4J_SERVER) (Debian: apt-get install openjdk-17-jdk-headless maven)"; \
	  if [ "$$CI" = true ]; then echo "make: $$msg" >&2; exit 1; fi; \
	  echo "make: skipping the Neo4j server: $$msg"; exit 0; \
	fi; \
	mvn -q -f $(NEO4J_SERVER)/pom.xml package && touch $@

# A real headless Chromium and a CJK font for the HTML pages' tests: Debian's chromium, driven by
# Playwright (which never downloads a browser of its own here). Installed when missing and root.
$(VENV)/.browser: | $(BIN)/python
	@if { [ -z "$$POLICYKG_CHROMIUM" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; } \
	    || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and fonts-noto-cjk (Debian) for the HTML tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "make: the HTML tests need Chromium and a CJK font: install chromium and fonts-noto-cjk, or set POLICYKG_CHROMIUM" >&2; exit 1; \
	  fi; \
	fi
	touch $@

# Graphviz's dot: the tests parse the lineage DOT export with it, and `export lineage --format svg|png` draws with it.
$(VENV)/.graphviz: | $(BIN)/python
	@if ! command -v dot >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing graphviz (Debian) for the lineage exports' tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "make: the lineage export tests need Graphviz's dot: install graphviz" >&2; exit 1; \
	  fi; \
	fi
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed $(LINT)/node_modules/.installed $(VENDOR)/node_modules/.installed $(MERMAID)/node_modules/.installed $(VENV)/.browser $(VENV)/.graphviz $(NEO4J_SERVER)/target/.built

## neo4j-local: a Neo4j 5.26 without Docker (data in data/neo4j-local); prints the NEO4J_* lines to export; Ctrl-C stops it
neo4j-local: $(NEO4J_SERVER)/target/.built
	@mkdir -p data/neo4j-local
	@echo "starting Neo4j (data in data/neo4j-local); when the lines below appear, export them in another shell:"
	@java -jar $(NEO4J_JAR) --home data/neo4j-local $(if $(NEO4J_PASSWORD),--password $(NEO4J_PASSWORD)) \
	  | while read -r line; do for setting in $$line; do echo "export $$setting"; done; done

## run: install, load seeds/ into the embedded graph, print the summary and the city–district alignment, write the pages to out/ (review pages, lineage.html, report.html, report.xlsx)
run: install
	$(BIN)/policykg --db $(DB) load seeds/ --quiet
	$(BIN)/policykg --db $(DB) align
	@mkdir -p out
	@for f in seeds/*.txt; do s=$$(basename "$$f" .txt); \
	  $(BIN)/policykg --db $(DB) review "$$s" --out "out/review-$$s.html" || exit 1; done
	$(BIN)/policykg --db $(DB) lineage --out out/lineage.html
	$(BIN)/policykg --db $(DB) report --out out/report.html
	$(BIN)/policykg --db $(DB) export report --format xlsx --out out/report.xlsx
	@echo "lineage picture: $(CURDIR)/out/lineage.html"
	@echo "analyst's report: $(CURDIR)/out/report.html"
	@echo "report workbook: $(CURDIR)/out/report.xlsx"

## lint: ruff, the layer contract (import-linter) and mypy on the package; part of `make test`
lint: dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory typecheck

# The package's folder is the repository root, so mypy sees it as `policykg` through a symlink
# in a scratch folder (a folder named policykg inside the checkout would loop back into itself).
typecheck: dev
	@d=$$(mktemp -d) && ln -s "$(CURDIR)" "$$d/policykg" && \
	  MYPYPATH="$$d" $(BIN)/mypy --cache-dir "$(CURDIR)/.mypy_cache" -p policykg; rc=$$?; rm -rf "$$d"; exit $$rc

## test: install dev dependencies, lint, and run the whole suite (unit, doctests, Bolt server, browser)
test: lint
	$(BIN)/python -m pytest

## eval: fresh graphs of seeds/ and of the real-document dev set (tests/realdocs), each scored against its gold
eval: install
	$(MAKE) --no-print-directory eval-set NAME=seeds DOCS=seeds GOLDDIR=$(GOLD) OWNERS_GOLD=$(GOLD)/owners.jsonl ALIGN_GOLD=$(GOLD)/alignment.jsonl
	$(MAKE) --no-print-directory eval-set NAME=realdocs DOCS=tests/realdocs/docs GOLDDIR=tests/realdocs/gold OWNERS_GOLD=tests/realdocs/gold/owners.jsonl

eval-set:
	@echo "== $(NAME) ($(DOCS))"
	@rm -rf build/eval/$(NAME) && mkdir -p build/eval/$(NAME)
	@$(BIN)/policykg --db build/eval/$(NAME)/graph.lbdb load $(DOCS) --quiet > /dev/null || true
	@for kind in documents targets tasks citations alignments; do \
	  $(BIN)/policykg --db build/eval/$(NAME)/graph.lbdb export $$kind > build/eval/$(NAME)/$$kind.jsonl || true; done
	$(BIN)/python $(SCORER) targets --gold $(GOLDDIR)/targets.jsonl --pred build/eval/$(NAME)/targets.jsonl
	$(BIN)/python $(SCORER) owners --gold $(OWNERS_GOLD) --pred build/eval/$(NAME)/tasks.jsonl
	$(BIN)/python $(SCORER) citations --gold $(GOLDDIR)/citations.jsonl --pred build/eval/$(NAME)/citations.jsonl
	$(if $(ALIGN_GOLD),$(BIN)/python $(SCORER) alignments --gold $(ALIGN_GOLD) --pred build/eval/$(NAME)/alignments.jsonl)
	$(if $(wildcard $(GOLDDIR)/documents.jsonl),$(BIN)/python scripts/eval_documents.py --gold $(GOLDDIR)/documents.jsonl --pred build/eval/$(NAME)/documents.jsonl)

## bench: a deterministic corpus (bench/corpus.py) of N plans, loaded and queried; prints a table and writes
## build/bench/bench-N.json. N = 100, then 1,000; BENCH_N=N for one N, BENCH_FULL=1 for 10,000 (goals checked here, never in tests)
bench: dev
	$(BIN)/python bench/run.py

## bench-pathological: 250 KB and 1 MB of each pathological pattern (numerals, blank lines, annotations, brackets …)
## through the whole parse, each in its own process, timed (bench/pathological.py; never pass/fail in tests)
bench-pathological: dev
	$(BIN)/python bench/pathological.py

clean:
	rm -rf data build $(VENV) $(LINT)/node_modules $(VENDOR)/node_modules $(MERMAID)/node_modules $(NEO4J_SERVER)/target .mypy_cache .ruff_cache
