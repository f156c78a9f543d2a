#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: formatting, lints, docs, then every test tier
# (unit and journey tests of the pure core, snapshots, the real binary in a pseudo-terminal,
# status reports on fixture homes). Installs the few tools it needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# System packages the tests use: Node.js and npm run the real OAuth server (tests/idp), curl
# plays the browser, Xvfb and xclip are the X server and clipboard of the clipboard test.
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xclip >/dev/null 2>&1 || need+=(xclip)
if [ "${#need[@]}" -gt 0 ]; then
  step "installing ${need[*]}"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "The tests need: ${need[*]}. Install them (e.g. sudo apt-get install ${need[*]}) and run again." >&2
    exit 1
  fi
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

# The real OAuth server the engine tests sign in against (npm oidc-provider, from the lockfile).
if [ ! -d tests/idp/node_modules ] || [ tests/idp/package-lock.json -nt tests/idp/node_modules ]; then
  step "installing the test OAuth server (npm ci in tests/idp)"
  (cd tests/idp && npm ci --no-audit --no-fund --loglevel=error)
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
