# The README's two commands: `make demo` and `make test`. Both set everything up first.
SWIFT ?= swift
RUNBOOK = .build/debug/runbook

.PHONY: setup build demo demo-teardown test bench clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

demo: build
	$(RUNBOOK) plan runbooks/demo.md
	$(RUNBOOK) exec runbooks/demo.md --yes
	@echo "The demo site is up at http://127.0.0.1:8765/ ; stop it with: make demo-teardown"

demo-teardown: build
	$(RUNBOOK) exec runbooks/demo.md --section teardown --yes

test: setup
	$(SWIFT) build
	$(SWIFT) test

bench: setup
	$(SWIFT) build -c release --product runbook
	$(SWIFT) build -c release --product runbook-bench
	bash Benchmarks/parse.sh
	bash Benchmarks/startup.sh
	bash Benchmarks/steps.sh
	bash Benchmarks/remote.sh
	bash Benchmarks/lint.sh

clean:
	rm -rf .build .runbook
