#!/usr/bin/env bash
# A developer's first contact with the GraphQL API of a running platform: the SDL, a token
# from identity, a first query, and the refusals (no token, a bad token, a body too large,
# a field the caller may not read). Run by e2e/platform_up.sh through
# `infra/dev/run-all --check`, which sets TP_IDENTITY_URL and TP_GATEWAY_URL.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
journey="graphql e2e"
# shellcheck source=e2e/journeys/check.sh
. "$repo/e2e/journeys/check.sh"
env_file=${TP_DEV_DIR:-$repo/.dev/run}/env
client_id=$(sed -n 's/^TP_OPERATOR_CLIENT_ID=//p' "$env_file")
client_secret=$(sed -n 's/^TP_OPERATOR_CLIENT_SECRET=//p' "$env_file")
gql() { # gql <token or -> <query>: prints the HTTP status and the body
    local auth=()
    [[ $1 != - ]] && auth=(-H "Authorization: Bearer $1")
    curl -s -w '\n%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' \
        -d "{\"query\":\"$2\"}" "$TP_GATEWAY_URL/graphql"
}

check "the SDL is published" bash -c "curl -sf '$TP_GATEWAY_URL/schema.graphql' | grep -q 'type Query'"
token=$(curl -s -u "$client_id:$client_secret" -d grant_type=client_credentials "$TP_IDENTITY_URL/oauth2/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
check "identity issues a token" test -n "$token"
check "a first query answers from the token" bash -c "$(declare -f gql); TP_GATEWAY_URL=$TP_GATEWAY_URL; \
    gql '$token' '{ me { kind roles } }' | grep -q 'PLATFORM_OPERATOR'"
check "no token: UNAUTHENTICATED, no data" bash -c "$(declare -f gql); TP_GATEWAY_URL=$TP_GATEWAY_URL; \
    gql - '{ me { id } }' | grep -q '\"code\":\"UNAUTHENTICATED\"'"
check "a bad token: 401" bash -c "$(declare -f gql); TP_GATEWAY_URL=$TP_GATEWAY_URL; gql not-a-token '{ me { id } }' | tail -1 | grep -qx 401"
check "an operator reads no practice's data: FORBIDDEN" bash -c "$(declare -f gql); TP_GATEWAY_URL=$TP_GATEWAY_URL; \
    gql '$token' '{ members { edges { node { email } } } }' | grep -q '\"code\":\"FORBIDDEN\"'"
big=$(head -c 100000 /dev/zero | tr '\0' ' ')
check "a body over the limit: 413" bash -c "curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{\"query\":\"{ me { id } }$big\"}' '$TP_GATEWAY_URL/graphql' | grep -qx 413"

finish
