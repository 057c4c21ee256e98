# The README's two commands: `make demo` and `make test`. Both set everything up first.
SWIFT ?= swift
RUNBOOK = .build/debug/runbook
# Release builds link the Swift runtime and Foundation into the binary: start-up is a third
# shorter without the dynamic loader's work (README, Performance).
RELEASE = $(SWIFT) build -c release --static-swift-stdlib

SWIFT_SOURCES = Sources Tests Benchmarks/runbook-bench Package.swift

.PHONY: setup build release demo demo-teardown test bench format format-check clean

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

test: setup format-check
	$(SWIFT) build
	$(SWIFT) test

# swift-format with the committed .swift-format: `make format` rewrites, the check fails on drift.
format:
	$(SWIFT) format -i -r -p $(SWIFT_SOURCES)

format-check:
	$(SWIFT) format lint --strict -r -p $(SWIFT_SOURCES)

release: setup
	$(RELEASE) --product runbook

bench: release
	$(RELEASE) --product runbook-bench
	bash Benchmarks/parse.sh
	bash Benchmarks/startup.sh
	bash Benchmarks/steps.sh
	bash Benchmarks/remote.sh
	bash Benchmarks/lint.sh
	bash Benchmarks/memory.sh

clean:
	rm -rf .build .runbook
