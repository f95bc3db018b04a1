#!/usr/bin/env bash
# The operator's path through telehealthctl against a running platform: create, list, suspend
# and offboard a practice, invite its admin, register an API client and get a token with it,
# verify the practice's audit chain, and bad input answered with exit code 2. Run by
# e2e/platform_up.sh through `infra/dev/run-all --check`, which sets TP_IDENTITY_URL,
# TP_AUDIT_URL and TP_MAILDIR.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
journey="ctl e2e"
# shellcheck source=e2e/journeys/check.sh
. "$repo/e2e/journeys/check.sh"
ctl() { APP__OPERATOR__IDENTITY_URL=$TP_IDENTITY_URL APP__OPERATOR__AUDIT_URL=$TP_AUDIT_URL "$repo/infra/dev/with-service-env" run ctl "$repo/target/debug/telehealthctl" "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
exit_code() { local want=$1; shift; "$@" >/dev/null 2>&1; [[ $? == "$want" ]]; }
token_status() { # HTTP status of a client-credentials token request
    curl -s -o /dev/null -w '%{http_code}' -u "$1:$2" -d grant_type=client_credentials "$TP_IDENTITY_URL/oauth2/token"
}

slug=e2e-$RANDOM
tenant=$(ctl tenant create --slug "$slug" --name "E2E Practice" --json | field "['id']")
check "tenant create prints the new id" test -n "$tenant"
check "tenant list shows it" bash -c "$(declare -f ctl); TP_IDENTITY_URL=$TP_IDENTITY_URL repo=$repo; ctl tenant list --json | grep -q '\"$slug\"'"
check "bad input exits 2" exit_code 2 ctl tenant create --slug "Not A Slug" --name x
check "a taken slug exits 1" exit_code 1 ctl tenant create --slug "$slug" --name again

check "user invite sends an invitation" bash -c "$(declare -f ctl); TP_IDENTITY_URL=$TP_IDENTITY_URL repo=$repo; ctl user invite --tenant $slug --email boss@$slug.example --json | grep -q invited"
check "the invitation email arrives" bash -c "for _ in \$(seq 1 50); do grep -rqs 'boss@$slug.example' '$TP_MAILDIR/new' && exit 0; sleep 0.2; done; exit 1"
check "operators may not invite clients" exit_code 1 ctl user invite --tenant "$slug" --email c@$slug.example --role client

client_json=$(ctl api-client create --tenant "$slug" --name ci --scope scheduling:read --json)
client_id=$(field "['client_id']" <<<"$client_json")
client_secret=$(field "['client_secret']" <<<"$client_json")
check "an operator's API client gets no token before a practice admin approves it" \
    test "$(token_status "$client_id" "$client_secret")" = 401

check "the practice's audit chain verifies intact" ctl audit verify --tenant "$slug"
check "audit verify without a chain to verify exits 2" exit_code 2 ctl audit verify

check "tenant suspend" ctl tenant suspend "$slug"
check "offboarding refuses a wrong confirmation (exit 2)" exit_code 2 ctl tenant offboard "$slug" --confirm nope
check "tenant offboard with the slug typed back" ctl tenant offboard "$slug" --confirm "$slug"
check "the offboarded tenant is listed as offboarded" bash -c "$(declare -f ctl); TP_IDENTITY_URL=$TP_IDENTITY_URL repo=$repo; ctl tenant list | grep '$slug' | grep -q offboarded"

finish
