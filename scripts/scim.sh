#!/usr/bin/env bash
# SCIM 2.0 conformance: scim2-tester (through scim2-cli) against /scim/v2 on a live server over
# a fresh SQLite database, with an integrator's token. It discovers the served schemas, then
# creates, reads, lists, searches, replaces, patches and deletes Users. Fails on any check
# that is not a success.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${SERVICEDESK_SCIM_VENV:-.venv-scim}
if [ ! -x "$VENV/bin/scim2" ]; then
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "scim2-cli==0.6.0" "scim2-tester==0.5.2"
fi

port=${SERVICEDESK_SCIM_PORT:-18081}
# shellcheck source=scripts/fresh-server.sh
. scripts/fresh-server.sh
token=$(target/debug/servicedesk token --org scim --role integrator --sub scim-tester --ttl 1h)

# The token goes through the environment, not the command line (scim2-cli reads it there).
SCIM_CLI_HEADERS="Authorization: Bearer $token" \
    "$VENV/bin/scim2" --url "http://127.0.0.1:$port/scim/v2" test
