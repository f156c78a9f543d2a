#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: formatting, lints, docs, then every test tier
# (unit and journey tests of the pure core, snapshots, the real binary in a pseudo-terminal,
# status reports on fixture homes). Installs the few tools it needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet

step "tests (cargo nextest)"
# Snapshots must match what is committed; never write new ones here.
INSTA_UPDATE=no cargo nextest run --locked --no-fail-fast

step "doc tests"
cargo test --doc --locked --quiet
