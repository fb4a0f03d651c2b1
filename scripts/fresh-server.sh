# Sourced by the scripts that test a live server: builds it, serves it on 127.0.0.1:$port over
# a fresh SQLite database in a work directory removed on exit, and waits until it is ready.
# Sets $work and $server; the caller sets $port first.
cargo build -q --workspace
work=$(mktemp -d)
export SERVICEDESK_DATABASE_URL="sqlite://$work/servicedesk.db"
export SERVICEDESK_BIND="127.0.0.1:$port"
export SERVICEDESK_JWT_HS256_SECRET="live-server-test-secret-live-server-test-secret"
export SERVICEDESK_DATA_DIR="$work"
export RUST_LOG=warn
target/debug/servicedesk serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
    sleep 0.1
done
