#!/usr/bin/env bash
# End-to-end: `just run` on this checkout brings the whole platform up for real. In a
# throwaway dependency dir and on ports of its own (so a developer's `just run` can keep
# running), it builds every binary, starts PostgreSQL, Redis and OpenBao, migrates every
# schema, starts every service and waits until each one's /readyz answers, seeds the demo
# practices through identity (invitations accepted from the local mail sink), walks the
# operator's telehealthctl journey (e2e/journeys/ctl_operator.sh) and a developer's first
# GraphQL requests (e2e/journeys/graphql_api.sh), then stops it all and deletes the throwaway
# dir. Prints `N passed, N failed` last.
#
# Later issues add browser journeys beside this file.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
export TP_DEV_DIR=$repo/.dev/e2e TP_PORT_BASE=25350 TP_SERVICE_PORT_BASE=18080
cleanup() { "$repo/infra/dev/deps" down --profile run --purge >/dev/null 2>&1 || true; }
trap cleanup EXIT

journeys="$repo/e2e/journeys/ctl_operator.sh && $repo/e2e/journeys/graphql_api.sh"
if "$repo/infra/dev/run-all" --check bash -c "$journeys"; then
    cleanup
    echo "1 passed, 0 failed"
else
    cleanup
    echo "0 passed, 1 failed"
    exit 1
fi
