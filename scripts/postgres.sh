#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and benches: started on 127.0.0.1 under a temp directory,
# never touching a system cluster. Prints the admin URL (database "postgres") on stdout.
#   scripts/postgres.sh start    start (installing the server from Debian's packages if missing)
#   scripts/postgres.sh stop     stop and remove it
#   scripts/postgres.sh url      print the URL
set -euo pipefail

PGPORT=${SERVICEDESK_PG_PORT:-54329}
PGROOT=${SERVICEDESK_PG_DIR:-/tmp/servicedesk-pg}
URL="postgres://servicedesk@127.0.0.1:${PGPORT}/postgres"

bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_server() {
    if [ -z "$(bindir)" ]; then
        echo "installing PostgreSQL from Debian's packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
}

# initdb and postgres refuse to run as root: run them as the postgres user when we are root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ready() {
    "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null
}

start() {
    install_server
    local bin
    bin=$(bindir)
    if ready; then
        echo "$URL"
        return
    fi
    rm -rf "$PGROOT"
    mkdir -p "$PGROOT"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGROOT"; fi
    as_owner "$bin/initdb" -D "$PGROOT/data" -U servicedesk --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1
    # Durability is pointless for a throwaway test cluster; speed is not.
    as_owner "$bin/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w start -o \
        "-h 127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        >/dev/null
    echo "$URL"
}

stop() {
    local bin
    bin=$(bindir)
    if [ -n "$bin" ] && [ -d "$PGROOT/data" ]; then
        as_owner "$bin/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGROOT"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
