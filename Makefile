# The two set-up commands of the README: `make run` (the main job on the embedded default) and
# `make test` (the whole test suite). Both install what they need on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Debian packages markwatch needs outside Python: the browser for JavaScript pages and screenshots,
# CJK fonts so screenshots and the PDF evidence report show Chinese, pdftoppm for checking reports,
# xxd and openssl for the signature check docs/evidence.md shows (and its test runs).
SYSTEM_PACKAGES := chromium fonts-wqy-microhei fonts-noto-cjk poppler-utils xxd openssl

# ReplayWeb.page (Webrecorder's replay, from its npm package): the test that replays a packet's WACZ.
REPLAYWEBPAGE := replaywebpage@2.5.3

.PHONY: run test install system-deps replay-assets lint clean

run: install
	$(BIN)/markwatch run

test: install replay-assets
	$(BIN)/python -m pytest -q

install: $(VENV)/.installed system-deps

# setup.py compiles scoring/matcher.py and scoring/latin.py: a change to them is built again
$(VENV)/.installed: pyproject.toml setup.py scoring/matcher.py scoring/latin.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "please install:$$missing (or set MARKWATCH_CHROMIUM)"; exit 0; fi; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "installing system packages:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

replay-assets: $(VENV)/replaywebpage/sw.js

$(VENV)/replaywebpage/sw.js:
	@if command -v npm >/dev/null; then \
	  mkdir -p $(VENV)/replaywebpage && cd $(VENV)/replaywebpage && \
	  npm pack -q $(REPLAYWEBPAGE) >/dev/null && tar xzf replaywebpage-*.tgz --strip-components=1 package/ui.js package/sw.js && \
	  rm -f replaywebpage-*.tgz; \
	else echo "npm not found: the ReplayWeb.page replay test (tests/test_evidence_replay_browser.py) will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
