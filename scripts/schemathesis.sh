#!/usr/bin/env bash
# Property-based contract testing: schemathesis generates requests from /openapi.json and
# checks every response against the contract (all default checks), against a live server on a
# fresh SQLite database with a token of an agent, an admin and the DPO, so every operation is reachable. Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${SERVICEDESK_VENV:-.venv}
if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi

port=${SERVICEDESK_ST_PORT:-18080}
# shellcheck source=scripts/fresh-server.sh
. scripts/fresh-server.sh
token=$(target/debug/servicedesk token --org schemathesis --role agent --role admin --role dpo --sub st-agent --ttl 2h)

"$VENV/bin/st" run "http://127.0.0.1:$port/openapi.json" \
    --header "Authorization: Bearer $token" \
    --max-examples "${SERVICEDESK_ST_EXAMPLES:-60}" \
    --seed 1 \
    --no-color
