#!/usr/bin/env bash
# Regenerates every generated file: ent (with the entgql extension, which also
# writes graph/ent.graphql) first, then gqlgen, which reads that schema.
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./ent
go tool gqlgen generate
