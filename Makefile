# servicedesk: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/debug/servicedesk
export SERVICEDESK_TEST_PG_ADMIN_URL ?=

.PHONY: run test test-sqlite test-postgres bench openapi openapi-check lint fmt domain-check build

build:
	$(CARGO) build -p servicedesk-api

## Build, migrate ./data/servicedesk.db, load the demo registers (once), and serve on
## 127.0.0.1:8080, printing ready tokens.
run: build
	@$(BIN) migrate
	@$(BIN) seed-demo
	@echo "servicedesk on http://127.0.0.1:8080  (docs: http://127.0.0.1:8080/docs/)"
	@($(BIN) serve & pid=$$!; trap "kill $$pid" INT TERM; \
	  for i in $$(seq 50); do curl -sf http://127.0.0.1:8080/health/live >/dev/null 2>&1 && break; sleep 0.1; done; \
	  echo "agent token (1h):"; $(BIN) token --org cabinet-office --role agent --sub dev-agent --ttl 1h; \
	  echo "dpo token (1h):"; $(BIN) token --org cabinet-office --role dpo --sub dev-dpo --ttl 1h; \
	  wait $$pid)

## The whole suite: unit, property and black-box HTTP tests on SQLite, then on PostgreSQL.
test: test-sqlite test-postgres

test-sqlite:
	$(CARGO) test --workspace

# A throwaway PostgreSQL on loopback (installed from Debian's packages if missing). The HTTP
# suite alone, selected from the whole workspace so its dependencies' features are the ones the
# SQLite pass built (with -p they differ, and a fresh machine compiles much of it twice).
test-postgres:
	TEST_DATABASE_URL=$$(scripts/postgres.sh start) $(CARGO) test --workspace --test api

## Figures for the performance targets (release build, wrk at 64 connections).
bench:
	scripts/bench.sh

## Rewrite openapi.yaml from the code.
openapi: build
	$(BIN) openapi > openapi.yaml

lint: domain-check
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## The domain crate stays pure: no I/O crate may appear in its dependency tree.
domain-check:
	@leaks=$$($(CARGO) tree -p servicedesk-domain -e normal --prefix none \
	  | awk '{print $$1}' | grep -xE 'diesel|actix-web|actix-rt|actix-server|r2d2|tokio|libsqlite3-sys|pq-sys|reqwest|ureq|hyper' | sort -u); \
	if [ -n "$$leaks" ]; then echo "domain depends on I/O crates: $$leaks"; exit 1; fi; \
	echo "domain: no I/O crates"
