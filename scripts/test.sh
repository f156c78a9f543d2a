#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: formatting, lints, docs, then every test tier
# (unit and journey tests of the pure core, snapshots, the real binary in a pseudo-terminal,
# status reports on fixture homes). Installs the few tools it needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# System packages the tests use: Node.js and npm run the real OAuth server (tests/idp) and
# install the real Claude Code (tests/claude), curl plays the browser, Xvfb and xclip are the X
# server and clipboard of the clipboard test, tmux the terminal that goes away in the hang-up test
# (and the one the README's pictures are captured in), zsh and fish check the completion scripts
# (bash is already here), groff formats the man page.
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xclip >/dev/null 2>&1 || need+=(xclip)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
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

# The real Claude Code the official-CLI journeys run (npm @anthropic-ai/claude-code, pinned by
# the lockfile). Its postinstall puts the native binary in place of a stub; check that it did.
if [ ! -d tests/claude/node_modules ] || [ tests/claude/package-lock.json -nt tests/claude/node_modules ]; then
  step "installing the real Claude Code (npm ci in tests/claude)"
  (cd tests/claude && npm ci --no-audit --no-fund --loglevel=error)
fi
if ! tests/claude/node_modules/.bin/claude --version >/dev/null 2>&1; then
  step "placing the native claude binary (its postinstall did not run)"
  (cd tests/claude && node node_modules/@anthropic-ai/claude-code/install.cjs)
  tests/claude/node_modules/.bin/claude --version
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
