#!/usr/bin/env bash
# make bench: figures for the performance targets. Builds release, loads BENCH_TICKETS tickets
# into a fresh SQLite database (and PostgreSQL when one can be started), and drives each
# scenario with wrk from a separate process: first a bare diesel route doing the same database
# work, then the real server, each on its own copy of the loaded data. Prints a table per
# backend and whether each target is met. A missed target does not fail the run; only a bench
# that cannot run does.
#
# Settings (environment): BENCH_DURATION seconds per scenario (10), BENCH_WARMUP seconds of
# unrecorded load before each (1), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_TICKETS
# (100000), BENCH_HR_PEOPLE joiners for POST /hr/sync (100000) in batches of BENCH_HR_BATCH
# (1000), BENCH_WORKERS server workers (the number of cores), BENCH_PORT (18480; the bare
# route uses the next port), BENCH_BACKENDS ("sqlite postgres"), BENCH_ONLY=audit runs only the
# audited and unaudited GET /api/v1/tickets/{id}, BENCH_ONLY=export only the subject access
# export of one person's BENCH_EXPORT_OWN (50) tickets among each of BENCH_EXPORT_SIZES
# ("1000 1000000") tickets, BENCH_ONLY=retention only the retention sweep of
# BENCH_RETENTION_PEOPLE (1000000) leavers due in BENCH_RETENTION_ORG (cabinet-office: erase a
# year after leaving; derby-city-council: a review ticket a year after creation), timed through
# `servicedesk retention sweep` with its peak RSS (goal < 150 MB), BENCH_KEEP=1 keeps the work
# directory (databases, wrk output, server logs).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-1}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
TICKETS=${BENCH_TICKETS:-100000}
WORKERS=${BENCH_WORKERS:-$(nproc)}
PORT=${BENCH_PORT:-18480}
BARE_PORT=$((PORT + 1))
BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
HR_PEOPLE=${BENCH_HR_PEOPLE:-100000}
HR_BATCH=${BENCH_HR_BATCH:-1000}
ONLY=${BENCH_ONLY:-}
EXPORT_SIZES=${BENCH_EXPORT_SIZES:-1000 1000000}
EXPORT_OWN=${BENCH_EXPORT_OWN:-50}
RETENTION_PEOPLE=${BENCH_RETENTION_PEOPLE:-1000000}
RETENTION_ORG=${BENCH_RETENTION_ORG:-cabinet-office}

SERVER=target/release/servicedesk
BENCH=target/release/servicedesk-bench
LUA=bench/wrk.lua

need() {
    if ! command -v "$1" >/dev/null; then
        echo "installing $2 from Debian's packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 && apt-get install -y -qq "$2" >&2
    fi
}
need wrk wrk
need openssl openssl
need curl curl

work=$(mktemp -d /tmp/servicedesk-bench.XXXXXX)
results=$work/results.tsv
: >"$results"
running=""
pg_admin=""
pg_databases=()

alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
    [ -n "$state" ] && [ "$state" != Z ]
}

# Stops a server we started: TERM, then KILL if it has not gone within 10 s.
stop() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    running=""
}

cleanup() {
    if [ -n "$running" ]; then stop "$running"; fi
    for db in "${pg_databases[@]}"; do
        psql "$pg_admin" -qc "drop database if exists $db" >/dev/null 2>&1 || true
    done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "work directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# start LOG URL COMMAND...: starts a server in the background and waits until URL answers.
start() {
    local log=$1 url=$2
    shift 2
    if curl -s -o /dev/null "$url"; then
        echo "something already answers on $url: set BENCH_PORT to a free port" >&2
        return 1
    fi
    "$@" >"$log" 2>&1 &
    running=$!
    for _ in $(seq 300); do
        if curl -sf -o /dev/null "$url"; then return 0; fi
        if ! alive "$running"; then
            echo "the server exited while starting; its log:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "the server did not answer $url within 30 s" >&2
    return 1
}

# scenario BACKEND NAME MODE URL TOKENS-FILE: a warm-up, then the measured wrk run.
scenario() {
    local backend=$1 name=$2 mode=$3 url=$4 tokens=$5
    local out=$work/$backend-$name.wrk
    local vars=(BENCH_MODE="$mode" BENCH_TOKENS="$tokens" BENCH_IDS="$work/$backend-ids.txt")
    if [ "$WARMUP" -gt 0 ]; then
        env "${vars[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$url" >/dev/null
    fi
    env "${vars[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url" >"$out"
    local line
    line=$(grep '^BENCH ' "$out" || echo "BENCH none")
    printf '%s\tscenario\t%s\t%s\n' "$backend" "$name" "$line" >>"$results"
    awk -v name="$name" '/^BENCH/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        if (f["seconds"] > 0) printf "  %-12s %8.0f req/s  p99 %6.2f ms\n", name, f["requests"] / f["seconds"], f["p99_us"] / 1000
    }' "$out" >&2
}

# Prints how busy the CPUs were over one second, in percent: other work on this machine
# lowers every figure, so the report says how much there was before each backend's run.
cpu_busy() {
    local a b i
    read -r -a a < <(head -n 1 /proc/stat)
    sleep 1
    read -r -a b < <(head -n 1 /proc/stat)
    local total=0 idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

# run_backend NAME LOADED-URL BARE-URL API-URL: the copies behind the last two must be made
# by `copy` after loading.
run_backend() {
    local backend=$1 loaded=$2 bare=$3 api=$4
    printf '%s\tbusy\t%s\n' "$backend" "$(cpu_busy)" >>"$results"
    echo "$backend: loading $TICKETS tickets" >&2
    local note
    note=$("$BENCH" load --database-url "$loaded" --org bench --count "$TICKETS" --ids "$work/$backend-ids.txt")
    printf '%s\tnote\t%s\n' "$backend" "$note" >>"$results"
    copy "$backend"

    # The same read with its audit event (the server's default) and without, in this run: the
    # unaudited server first, over the same copy of the data.
    echo "$backend: servicedesk serve, reads not audited" >&2
    local base=http://127.0.0.1:$PORT
    start "$work/$backend-api-unaudited.log" "$base/health/live" \
        env SERVICEDESK_DATABASE_URL="$api" SERVICEDESK_BIND="127.0.0.1:$PORT" \
        SERVICEDESK_AUDIT_READS=off "$SERVER" serve
    scenario "$backend" get_unaudited get "$base/api/v1/tickets/" "$work/hs256.txt"
    stop "$running"
    if [ "$ONLY" = audit ]; then
        start "$work/$backend-api.log" "$base/health/live" \
            env SERVICEDESK_DATABASE_URL="$api" SERVICEDESK_BIND="127.0.0.1:$PORT" "$SERVER" serve
        scenario "$backend" get get "$base/api/v1/tickets/" "$work/hs256.txt"
        stop "$running"
        return
    fi

    echo "$backend: bare diesel route" >&2
    base=http://127.0.0.1:$BARE_PORT
    start "$work/$backend-bare.log" "$base/bare/tickets?limit=1" \
        "$BENCH" bare --database-url "$bare" --org bench --bind "127.0.0.1:$BARE_PORT" --workers "$WORKERS"
    scenario "$backend" bare_get get "$base/bare/tickets/" ""
    scenario "$backend" bare_list plain "$base/bare/tickets?limit=50" ""
    scenario "$backend" bare_create post "$base/bare/tickets" ""
    stop "$running"

    echo "$backend: servicedesk serve" >&2
    base=http://127.0.0.1:$PORT
    start "$work/$backend-api.log" "$base/health/live" \
        env SERVICEDESK_DATABASE_URL="$api" SERVICEDESK_BIND="127.0.0.1:$PORT" "$SERVER" serve
    local pid=$running
    scenario "$backend" live plain "$base/health/live" ""
    scenario "$backend" get get "$base/api/v1/tickets/" "$work/hs256.txt"
    scenario "$backend" list plain "$base/api/v1/tickets?limit=50" "$work/hs256.txt"
    scenario "$backend" get_rs256 get "$base/api/v1/tickets/" "$work/rs256.txt"
    scenario "$backend" create post "$base/api/v1/tickets" "$work/hs256.txt"
    local hwm
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    printf '%s\trss_kib\t%s\n' "$backend" "$hwm" >>"$results"
    echo "$backend: POST /hr/sync of $HR_PEOPLE people in batches of $HR_BATCH" >&2
    local hr_api hr_bare
    hr_api=$("$BENCH" hr-api --address "127.0.0.1:$PORT" --token-file "$work/integrator.txt" \
        --count "$HR_PEOPLE" --batch "$HR_BATCH")
    stop "$pid"
    echo "$backend: the same inserts, bare" >&2
    hr_bare=$("$BENCH" hr-bare --database-url "$bare" --org bench-hr --count "$HR_PEOPLE" \
        --batch "$HR_BATCH")
    printf '%s\thr\t%s\t%s\n' "$backend" "$hr_api" "$hr_bare" >>"$results"
}

# run_export BACKEND URL-PREFIX: for each size, a database of that many tickets with one
# person's BENCH_EXPORT_OWN among them, seeded in bulk; then `servicedesk export-subject` (the
# endpoint's code path) writes the person's access bundle as a ZIP, best of three, timed.
run_export() {
    local backend=$1 prefix=$2 size url person best ms
    for size in $EXPORT_SIZES; do
        case $backend in
            sqlite) url="sqlite://$work/sqlite/export-$size.db" ;;
            postgres)
                psql "$pg_admin" -qc "create database ${pg_prefix}_export_$size" >/dev/null
                pg_databases+=("${pg_prefix}_export_$size")
                url="$prefix/${pg_prefix}_export_$size"
                ;;
        esac
        echo "$backend: export of one person among $size tickets" >&2
        person=$("$BENCH" export-load --database-url "$url" --org bench --count "$size" --own "$EXPORT_OWN")
        best=""
        for _ in 1 2 3; do
            local start end
            start=$(date +%s%N)
            "$SERVER" export-subject --database-url "$url" --org bench --person "$person" \
                --format zip --output "$work/export-$backend-$size.zip" >/dev/null
            end=$(date +%s%N)
            ms=$(( (end - start) / 1000000 ))
            if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
        done
        printf '%s\texport\t%s\t%s\n' "$backend" "$size" "$best" >>"$work/export.tsv"
        echo "  $size tickets: ${best} ms" >&2
    done
}

# run_retention BACKEND URL: the demo registers and BENCH_RETENTION_PEOPLE leavers all due,
# seeded in bulk; then `servicedesk retention sweep` (the endpoint's code path) over them,
# timed, with its peak resident memory.
run_retention() {
    local backend=$1 url=$2 figures seconds kb
    echo "$backend: retention sweep of $RETENTION_PEOPLE leavers in $RETENTION_ORG" >&2
    "$SERVER" seed-demo --database-url "$url" >/dev/null
    "$BENCH" retention-load --database-url "$url" --org "$RETENTION_ORG" --count "$RETENTION_PEOPLE"
    figures=$( { /usr/bin/time -f '%e %M' "$SERVER" retention sweep --database-url "$url" \
        --org "$RETENTION_ORG" >"$work/retention-$backend.txt"; } 2>&1 | tail -n 1)
    seconds=${figures% *}
    kb=${figures#* }
    cat "$work/retention-$backend.txt" >&2
    printf '%s\t%s\t%s\t%s\n' "$backend" "$RETENTION_PEOPLE" "$seconds" "$kb" >>"$work/retention.tsv"
}

# copy BACKEND: two copies of the loaded data, so the bare route's inserts do not grow the
# table the server then reads, and the other way round.
copy() {
    case $1 in
        sqlite)
            cp "$work/sqlite/loaded.db" "$work/sqlite/bare.db"
            cp "$work/sqlite/loaded.db" "$work/sqlite/api.db"
            ;;
        postgres)
            for name in bare api; do
                psql "$pg_admin" -qc "create database ${pg_prefix}_$name template ${pg_prefix}_loaded" >/dev/null
            done
            ;;
    esac
}

echo "building release" >&2
cargo build --release -q -p servicedesk-api -p servicedesk-bench

# Every server reads the same keys: an HS256 secret and a JWKS holding one RSA key.
export RUST_LOG=warn
export SERVICEDESK_JWT_HS256_SECRET
SERVICEDESK_JWT_HS256_SECRET=$(openssl rand -hex 32)
export SERVICEDESK_JWT_JWKS=$work/jwks.json
export SERVICEDESK_JWT_ALGORITHMS=HS256,RS256
export SERVICEDESK_WORKERS=$WORKERS
export SERVICEDESK_DATA_DIR=$work/data
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
"$BENCH" mint --key "$work/rsa.pem" --jwks "$SERVICEDESK_JWT_JWKS" --tokens "$work/rs256.txt" \
    --count 100 --org bench --role agent --ttl 7200
"$SERVER" token --org bench --role agent --sub bench-agent --ttl 2h >"$work/hs256.txt"
"$SERVER" token --org bench --role integrator --sub bench-hr --ttl 2h >"$work/integrator.txt"

for backend in $BACKENDS; do
    case $backend in
        sqlite)
            mkdir -p "$work/sqlite"
            if [ "$ONLY" = retention ]; then
                run_retention sqlite "sqlite://$work/sqlite/retention.db"
                continue
            fi
            if [ "$ONLY" != export ]; then
                run_backend sqlite "sqlite://$work/sqlite/loaded.db" \
                    "sqlite://$work/sqlite/bare.db" "sqlite://$work/sqlite/api.db"
            fi
            if [ "$ONLY" != audit ]; then run_export sqlite ""; fi
            ;;
        postgres)
            if ! pg_admin=$(scripts/postgres.sh start 2>"$work/postgres.log") \
                || ! psql "$pg_admin" -qc 'select 1' >/dev/null 2>&1; then
                printf 'postgres\tskipped\tPostgreSQL could not be started: %s\n' \
                    "$(tail -n 1 "$work/postgres.log" | tr '\t' ' ')" >>"$results"
                continue
            fi
            pg_prefix=servicedesk_bench_$$
            pg_url=${pg_admin%/*}
            if [ "$ONLY" = retention ]; then
                pg_databases=("${pg_prefix}_retention")
                psql "$pg_admin" -qc "create database ${pg_prefix}_retention" >/dev/null
                run_retention postgres "$pg_url/${pg_prefix}_retention"
                continue
            fi
            if [ "$ONLY" != export ]; then
                pg_databases=("${pg_prefix}_loaded" "${pg_prefix}_bare" "${pg_prefix}_api")
                psql "$pg_admin" -qc "create database ${pg_prefix}_loaded" >/dev/null
                run_backend postgres "$pg_url/${pg_prefix}_loaded" \
                    "$pg_url/${pg_prefix}_bare" "$pg_url/${pg_prefix}_api"
            fi
            if [ "$ONLY" != audit ]; then run_export postgres "$pg_url"; fi
            ;;
        *) echo "unknown backend $backend (sqlite, postgres)" >&2 ;;
    esac
done

echo
echo "servicedesk bench: wrk $THREADS threads, $CONNECTIONS connections, ${DURATION} s per scenario" \
    "after ${WARMUP} s of warm-up; $WORKERS server workers; $TICKETS tickets; $(nproc) cores shared" \
    "by wrk and the server. RS256: 100 tokens signed by one JWKS key, each request picks one." \
    "Ratios are within this run; runs vary 10-30% on this machine."
if [ "$ONLY" != export ] && [ "$ONLY" != retention ]; then
    "$BENCH" report --results "$results"
fi
if [ -s "$work/retention.tsv" ]; then
    echo
    echo "retention sweep through servicedesk retention sweep ($RETENTION_ORG), one run:"
    awk -F'\t' '{ printf "  %-8s %d people due: %.1f s, %.0f people/s; peak RSS %.1f MB (goal < 150 MB)\n",
        $1, $2, $3, ($3 > 0 ? $2 / $3 : 0), $4 / 1024 }' "$work/retention.tsv"
fi
if [ -s "$work/export.tsv" ]; then
    echo
    echo "subject access export of one person (${EXPORT_OWN} tickets, a comment on each), ZIP, best of 3:"
    awk -F'\t' '{ ms[$1, $3] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
                   if (!(($1) in first)) first[$1] = $3; last[$1] = $3 }
        END { for (i = 1; i <= n; i++) { b = order[i]
                printf "  %-8s %s tickets: %d ms; %s tickets: %d ms; ratio %.2f (goal <= 1.5)\n", b,
                    first[b], ms[b, first[b]], last[b], ms[b, last[b]],
                    ms[b, last[b]] / (ms[b, first[b]] > 0 ? ms[b, first[b]] : 1) } }' "$work/export.tsv"
fi
