# The two commands of the README are `make run` and `make test`.
# Everything they need is prepared by tools/setup.sh (idempotent).

SHELL := /bin/bash
.DEFAULT_GOAL := help

DB ?= citizen_test
MODULES ?= citizen_relation,citizen_relation_routing,citizen_relation_portal,citizen_relation_franceconnect
TESTS ?=
INSTALL_DB ?= citizen_install_en

.PHONY: help setup run test lint wheels install-check test-module test-odoo mail-in bench clean

help:
	@echo "make run    serve the demo town at http://localhost:8069 (mails at http://localhost:1080)"
	@echo "make test   lint, then run every test through pytest-odoo, then through Odoo's runner"
	@echo "make lint   ruff, pylint-odoo and oca-checks-odoo-module only"
	@echo "make wheels build each addon's wheel (OCA style) and install them into a plain virtualenv"
	@echo "make install-check   install from the wheels, with demo data, into a new English database"
	@echo "make test-module MODULES=a,b TESTS='a/tests' DB=name [KEEP_DB=1]"
	@echo "make test-odoo  every test through Odoo's own runner (odoo-bin --test-enable)"
	@echo "make mail-in FILE=message.eml   deliver a raw email to the demo town's aliases"
	@echo "make bench  query-count benchmarks beside OCA helpdesk_mgmt (not part of make test)"
	@echo "make clean  remove the virtualenv, build folder and databases"

setup:
	@bash tools/setup.sh

run: setup
	@bash tools/run.sh

lint: setup
	@bash tools/lint.sh

test: lint install-check
	@TEST_DB=citizen_test bash tools/test.sh
	@TEST_ODOO_DB=citizen_test_odoo bash tools/test_odoo.sh

wheels: setup
	@bash tools/wheels.sh

install-check: wheels
	@INSTALL_DB="$(INSTALL_DB)" bash tools/install_check.sh

test-module: setup
	@TEST_DB="$(DB)" TEST_MODULES="$(MODULES)" TEST_PATHS="$(TESTS)" bash tools/test.sh

test-odoo: setup
	@TEST_ODOO_DB=citizen_test_odoo bash tools/test_odoo.sh

mail-in: setup
	@bash tools/mail_in.sh "$(FILE)"

bench: setup
	@bash tools/bench.sh

clean:
	@bash tools/clean.sh
