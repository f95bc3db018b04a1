# The commands people type. `just` alone lists them.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Services that own a database schema (the gateway owns none).
schema_services := "identity scheduling records messaging consent audit"

# List the recipes
default:
    @just --list

# Start the whole platform with demo data (dependencies, migrations, seed, every service); Ctrl-C stops it
run:
    infra/dev/run-all

# Run every test with throwaway dependencies (what CI runs)
test:
    infra/dev/test-all

# Start PostgreSQL, Redis and OpenBao for a profile (run or test), installing what is missing
deps-up profile="run":
    infra/dev/deps up --profile {{profile}}

# Stop a profile's dependencies (its data stays in .dev/<profile>; add --purge to delete it)
deps-down profile="run" *flags="":
    infra/dev/deps down --profile {{profile}} {{flags}}

# Show whether a profile's dependencies are running
deps-status profile="run":
    infra/dev/deps status --profile {{profile}}

# Apply every service's pending migrations (as the migrator role) to a profile's database
migrate profile="run":
    cargo build --quiet --bins
    for s in {{schema_services}}; do \
        APP__TELEMETRY__LOG_FORMAT=pretty infra/dev/with-service-env {{profile}} "$s" "target/debug/tp-$s" migrate; \
    done

# Create the demo practices through a running platform (idempotent; `just run` does it)
seed profile="run":
    cargo build --quiet --bin telehealthctl
    infra/dev/with-service-env {{profile}} ctl target/debug/telehealthctl seed \
        --maildir .dev/{{profile}}/mail --credentials .dev/{{profile}}/demo-credentials.json

# Type-check every crate and target, fast (no codegen)
check:
    cargo check --workspace --all-targets

# Run the end-to-end tests in e2e/ (each brings up what it needs, then removes it)
e2e:
    for t in e2e/*.sh; do "$t"; done

# Format all Rust code
fmt:
    cargo fmt --all

# Check formatting, clippy (warnings are errors) and the domain layering rule
lint: check-layering
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Domain modules must not import web, ORM or GraphQL types (STYLE.md section B)
check-layering:
    #!/usr/bin/env bash
    set -euo pipefail
    if grep -rnE 'axum|sea_orm|async_graphql' services/*/src/domain 2>/dev/null; then
        echo "check-layering: domain code imports an adapter crate (above)"; exit 1
    fi
    echo "check-layering: ok"

# Benchmarks: criterion micro-benchmarks of the hot paths, then load against the running platform (release build)
bench:
    infra/dev/deps up --profile test
    cargo bench -p tp-crypto --bench envelope
    cargo bench -p tp-auth --bench verify
    infra/bench/load
    cargo bench -p tp-gateway --bench note_read
    cargo bench -p tp-gateway --bench appointments
