# Throw-away PostgreSQL 15 clusters for tests and benchmarks, on a free loopback port.
# Source this file, then:  pg_cluster_start DIR  (sets PG_PORT and PG_URL)  ...  pg_cluster_stop DIR
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pg_as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_free_port() {
    local p
    for p in $(seq 55432 55932); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

pg_cluster_start() {
    local dir=$1; shift
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    PG_PORT=$(pg_free_port) || { echo "no free port for PostgreSQL" >&2; return 1; }
    pg_as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off $*" start >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    export PG_PORT PG_URL
}

pg_cluster_stop() {
    local dir=$1
    if [ -f "$dir/data/postmaster.pid" ]; then pg_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
}
