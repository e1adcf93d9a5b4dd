#!/usr/bin/env bash
# Runs the whole test suite with the race detector.
#
# Tests that need Postgres read PEOPLEGRAPH_TEST_DATABASE_URL. When it is unset
# and a Postgres answers on 127.0.0.1:5432, that server is used; otherwise those
# tests skip and say so. The federation gateway test installs its Node packages
# from the committed lock file the first time it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${PEOPLEGRAPH_TEST_DATABASE_URL:-} ]] && command -v pg_isready >/dev/null &&
  pg_isready -q -h 127.0.0.1 -p 5432; then
  export PEOPLEGRAPH_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
fi
if [[ -f scripts/gateway/package-lock.json && ! -d scripts/gateway/node_modules ]]; then
  (cd scripts/gateway && npm ci --no-audit --no-fund --loglevel=error)
fi
go test -race -count=1 "$@" ./...
