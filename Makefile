# The two commands of the quick start: `make run` and `make test`. Both are idempotent and work
# as root or through sudo; they install only what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
#: Debian packages: virtual display and software OpenGL for Kivy, speech, smart-card stack,
#: MQTT broker and its command-line clients, browser for the dashboard tests, what builds pyscard,
#: PostgreSQL for the dashboard's store tests, and the deployment checks (shellcheck, systemd-analyze).
APT_PACKAGES := python3-venv python3-dev gcc xvfb xauth libgl1-mesa-dri libmtdev1 espeak-ng alsa-utils \
	pcscd libpcsclite-dev swig vsmartcard-vpcd mosquitto mosquitto-clients chromium chromium-driver \
	postgresql shellcheck systemd

.PHONY: run test system-deps venv benchmark soak lint translations

run: system-deps $(VENV)/.installed
	$(VENV)/bin/kiosk run --demo

test: system-deps $(VENV)/.installed
	$(VENV)/bin/python -m pytest -n auto --dist loadfile

benchmark: system-deps $(VENV)/.installed
	$(VENV)/bin/python benchmarks/run_all.py

#: The long soak (issue 13): 10,000 random sessions on the real app under Xvfb with faults
#: injected; prints its figures beside the goals. SOAK_ARGS="--sessions 2000 --seed 7" for less.
soak: system-deps $(VENV)/.installed
	$(VENV)/bin/python benchmarks/soak.py $(SOAK_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

#: Re-extract the French UI strings into the template and merge them into every catalogue under
#: kiosk/locale/ (new strings arrive empty, changed ones fuzzy: translate them, see docs/translations.md).
translations:
	@mkdir -p kiosk/locale
	$(VENV)/bin/pybabel extract -k tr -k N_ -k ngettext:1,2 --no-default-keywords -F babel.cfg -c TRANSLATORS: \
		--project=inclusive-kiosk --version=0.1.0 -o kiosk/locale/kiosk.pot .
	$(VENV)/bin/pybabel update -i kiosk/locale/kiosk.pot -d kiosk/locale -D kiosk --ignore-obsolete

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	@touch $@
