# Everything a fresh Debian machine needs: `make run` serves the demo site, `make test` runs
# every test. Each step is a file target, so a second run only redoes what changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
# The web server as `make run` starts it (and the tests, through `make serve`). gevent
# workers each hold up to 1,000 connections and give a request's head --keep-alive seconds
# to arrive before the app sees it, so slow clients tie up a connection for a few seconds,
# never a worker (SECURITY.md has the figures). 8,190 is gunicorn's highest request-line
# limit; the app's own (security.MAX_URL_BYTES) is below it, so an over-long address gets
# the app's localized 414. The open-file limit is raised where allowed: 2 x 1,000
# connections need more than the common default of 1,024.
SERVER = files=$$(ulimit -n); [ "$$files" = unlimited ] || [ "$$files" -ge 8192 ] || ulimit -n 8192 2>/dev/null || true; \
	$(BIN)/gunicorn --worker-class gevent \
	--workers $(WORKERS) --worker-connections 1000 --keep-alive 5 --limit-request-line 8190 \
	--bind 127.0.0.1:$(PORT)

CONTENT_FILES := $(shell find content -type f)
BUILD_CODE := $(wildcard webapp/content/*.py webapp/search/*.py) webapp/build.py webapp/cli.py
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run serve test test-fast build install lint translations clean bench bench-scale cluster-test

# The watcher publishes every saved content file while the server runs (see README).
# The alerts sender runs beside them; with no SMTP server set (NEWS_ALERTS_SMTP_URL), its
# e-mails are files in var/mail/ to read.
run: install var/build.stamp
	$(BIN)/flask --app webapp alerts migrate
	$(BIN)/flask --app webapp build --watch & watcher=$$!; \
	$(BIN)/flask --app webapp alerts run & sender=$$!; \
	trap 'kill $$watcher $$sender 2>/dev/null' EXIT; \
	$(SERVER) --access-logfile - 'webapp:create_app()'

# The server alone on the build that is live (NEWS_BUILDS_DIR), without installing or
# building: tests start it like this on a free port.
serve:
	$(SERVER) 'webapp:create_app()'

test: install
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-nginx.sh
	bash scripts/ensure-iproute2.sh
	bash scripts/ensure-postgresql.sh
	$(BIN)/ruff check webapp tests bench deploy
	$(BIN)/pytest

# The inner loop: everything but the browser tests and the slow ones (real servers, large
# builds). `make test` is the whole suite, as CI runs it.
test-fast: install
	bash scripts/ensure-postgresql.sh
	$(BIN)/pytest -m "not slow and not browser" -q

build: install
	$(BIN)/flask --app webapp build
	@touch var/build.stamp

install: $(BIN)/.installed static/vendor/.installed $(CATALOGUES)

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Third-party front-end files come from npm at install time; none is committed.
static/vendor/.installed: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js
	@touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -l $*

var/build.stamp: $(CONTENT_FILES) $(BUILD_CODE) $(CATALOGUES) $(BIN)/.installed
	$(BIN)/flask --app webapp build
	@mkdir -p var && touch $@

# For maintainers: pull new strings from the code into the catalogues.
translations: $(BIN)/.installed
	$(BIN)/pybabel extract --no-location --omit-header -k lazy_gettext -F babel.cfg -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations

# Figures, not assertions: see docs/performance.md. bench-scale writes corpora of 1,000,
# 10,000 and 100,000 articles and measures builds and latency on each (slow: about 20 minutes).
bench: install var/build.stamp
	bash bench/run.sh
	bash bench/throughput.sh
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/page_memos.py
	$(BIN)/python bench/hostile_content.py
	$(BIN)/python bench/lighthouse_performance.py
	$(BIN)/python deploy/cluster_test.py --long

# Three origin hosts in network namespaces behind the shipped nginx (needs root): a host
# dying under load, publishing, a damaged build, a thundering herd. The short form runs
# in `make test` (tests/web/test_cluster.py); `make bench` runs the long one.
cluster-test: install
	bash scripts/ensure-nginx.sh
	bash scripts/ensure-iproute2.sh
	$(BIN)/python deploy/cluster_test.py

bench-scale: install
	bash bench/scale.sh

lint: install
	$(BIN)/ruff check webapp tests bench
	$(BIN)/ruff format --check webapp tests

clean:
	rm -rf $(VENV) node_modules static/vendor var
