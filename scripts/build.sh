#!/usr/bin/env bash
# Builds the static peoplegraph binary. CI and the Dockerfile both build with
# this script, so what CI tests is what the image ships.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/peoplegraph}
version=${PEOPLEGRAPH_VERSION:-$(git describe --always --dirty 2>/dev/null || echo dev)}
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${version}" -o "$out" .
echo "built $out ($version)"
