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

cargo build -q -p servicedesk-api
work=$(mktemp -d)
port=${SERVICEDESK_ST_PORT:-18080}
export SERVICEDESK_DATABASE_URL="sqlite://$work/st.db"
export SERVICEDESK_BIND="127.0.0.1:$port"
export SERVICEDESK_JWT_HS256_SECRET="schemathesis-secret-schemathesis-secret"
export SERVICEDESK_DATA_DIR="$work"
export RUST_LOG=warn
target/debug/servicedesk serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    sleep 0.1
done
token=$(target/debug/servicedesk token --org schemathesis --role agent --role admin --role dpo --sub st-agent --ttl 2h)

"$VENV/bin/st" run "http://127.0.0.1:$port/openapi.json" \
    --header "Authorization: Bearer $token" \
    --max-examples "${SERVICEDESK_ST_EXAMPLES:-60}" \
    --seed 1 \
    --no-color
