# shellcheck shell=bash disable=SC2154  # `journey` is set by the sourcing script
# Sourced by the journeys: `check <description> <command...>` counts a pass when the command
# succeeds, prints a failure otherwise; `finish <name>` prints the tally and fails if any
# check did. Set `journey` to the journey's name first.
passed=0 failed=0
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "$journey: FAILED: $what" >&2; fi
}
finish() {
    echo "$journey: $passed passed, $failed failed"
    ((failed == 0))
}
