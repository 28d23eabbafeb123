#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the store and end-to-end suites, and
# prints its admin URL (the tests create one database per gateway in it). Installs Debian's
# postgresql first if the server binaries are missing. Usage: start-postgres.sh [port] [dir]
# Stop it with: pg_ctl -D DIR stop (as the postgres user when run as root).
set -euo pipefail
port="${1:-55432}"
dir="${2:-/tmp/guichet-pg-$port}"

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  ($as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends postgresql) >&2
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

# initdb refuses to run as root: run the cluster as the postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$dir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust --locale=C.UTF-8 --encoding=UTF8 >/dev/null
# Tests open and drop many short-lived databases; fsync stays on, as in production.
as_owner "$bindir/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
