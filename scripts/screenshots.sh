#!/usr/bin/env bash
# Renders the README's pictures from the real binary: the dashboard on a fixture home and the
# sign-in screen of `ccauth demo` (the built-in local issuer: no account, no network), each in a
# 100x30 tmux window of a tmux server of its own, captured as text.
#
#   scripts/screenshots.sh [OUT_DIR]     default docs/screens; writes dashboard.txt, sign-in.txt
#
# CCAUTH_BIN names the binary to run (default: `cargo build`, then target/debug/ccauth).
# tests/screenshots.rs runs this script into a temporary directory and fails when the committed
# files differ, so run it again after changing a screen.
#
# What changes from run to run is masked, each with a placeholder of the same length so the
# layout stays exactly as drawn: the login's expiry time (YYYY-MM-DD HH:MM UTC), the demo's ports
# (PORT1, PORT2), its state and PKCE challenge, and the elapsed timers (mm:ss). The fixture's
# tokens are obviously fake and never drawn (ccauth reads only the metadata beside them); the
# script fails if any of them reaches a picture.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-docs/screens}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [ -n "${CCAUTH_BIN:-}" ]; then
  bin="$CCAUTH_BIN"
else
  cargo build --quiet
  bin="$(pwd)/${CARGO_TARGET_DIR:-target}/debug/ccauth"
fi
command -v tmux >/dev/null 2>&1 || { echo "screenshots.sh needs tmux (apt-get install tmux)" >&2; exit 1; }

root="$(mktemp -d "${TMPDIR:-/tmp}/ccauth-screens.XXXXXX")"
# One tmux server per picture, on sockets of this script's own (a server being killed does not
# take a new session on the same socket), so nothing touches the user's tmux.
socket=""
tmux_() { tmux -u -L "$socket" -f /dev/null "$@"; }
# Ends the current picture's server and waits (at most 5 s) until the ccauth in it has gone.
stop() {
  [ -n "$socket" ] || return 0
  local pid
  pid="$(tmux_ list-panes -F '#{pane_pid}' 2>/dev/null || true)"
  tmux_ kill-server >/dev/null 2>&1 || true
  if [ -n "$pid" ]; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  socket=""
}
cleanup() {
  stop
  rm -rf "$root"
}
trap cleanup EXIT

# The fixture home: a Claude Max login that expires in eight hours (15 s more, so "in 8 hours",
# told to the nearest minute, holds for the 45 s the pictures may take), the account beside it,
# and an undecided ANTHROPIC_API_KEY (obviously fake; shown masked to its tail).
fake_access="FAKE-ACCESS-TOKEN-for-screenshots-only"
fake_refresh="FAKE-REFRESH-TOKEN-for-screenshots-only"
fake_key="sk-ant-api03-FAKE-KEY-for-screenshots-only-demo"
home="$root/home"
mkdir -p "$home/.claude" "$home/proj" "$root/managed"
expires_ms=$(( ($(date +%s) + 8 * 3600 + 15) * 1000 ))
cat >"$home/.claude/.credentials.json" <<EOF
{
  "claudeAiOauth": {
    "accessToken": "$fake_access",
    "refreshToken": "$fake_refresh",
    "expiresAt": $expires_ms,
    "scopes": ["user:inference", "user:profile"],
    "subscriptionType": "max",
    "rateLimitTier": "default_claude_max_20x"
  }
}
EOF
chmod 600 "$home/.claude/.credentials.json"
cat >"$home/.claude.json" <<'EOF'
{
  "numStartups": 12,
  "hasCompletedOnboarding": true,
  "oauthAccount": {
    "emailAddress": "ada@example.com",
    "displayName": "Ada Example",
    "organizationUuid": "00000000-0000-4000-8000-000000000001",
    "billingType": "stripe_subscription"
  }
}
EOF

# Masks what differs between runs. A wrapped URL breaks a value across lines, so each pattern
# lets a line break fall between any two characters and the placeholder keeps it there.
mask() {
  perl -0777 -pe '
    sub flex { join "\\n?", map { quotemeta } split //, $_[0] }
    sub fill { my ($label, $old) = @_; my $n = () = $old =~ /[^\n]/g;
               my $new = substr($label . ("x" x $n), 0, $n); my $i = 0;
               join "", map { $_ eq "\n" ? "\n" : substr($new, $i++, 1) } split //, $old }
    my %port; my $next = 1;
    my $host = flex("127.0.0.1");
    my $colon = "(?:" . flex(":") . "|" . flex("%3A") . ")";
    s{($host$colon)((?:\d\n?){4}\d)}{
      my ($lead, $digits) = ($1, $2); (my $key = $digits) =~ s/\n//g;
      $port{$key} //= "PORT" . $next++;
      $lead . fill($port{$key}, $digits) }ge;
    my $state = flex("state=");
    s{($state)((?:[A-Za-z0-9_-]\n?)*[A-Za-z0-9_-])}{$1 . fill("STATE", $2)}ge;
    my $challenge = flex("code_challenge=");
    s{($challenge)((?:[A-Za-z0-9_-]\n?)*[A-Za-z0-9_-])}{$1 . fill("CHALLENGE", $2)}ge;
    s{\d{4}-\d\d-\d\d \d\d:\d\d UTC}{YYYY-MM-DD HH:MM UTC}g;
    s{\d\d:\d\d (waiting|elapsed)}{mm:ss $1}g;
    s{\+\d\d:\d\d }{+mm:ss }g;
  '
}

# Starts `ccauth ARGS…` in the fixture home in a fresh 100x30 window, waits until the screen
# shows MARKER and stops changing, and writes it (masked) to FILE.
shoot() {
  local file="$1" marker="$2"
  shift 2
  socket="ccauth-screens-$$-$(basename "$file" .txt)"
  tmux_ new-session -d -x 100 -y 30 -c "$home/proj" \
    env -i HOME="$home" PATH=/usr/bin:/bin TERM=tmux-256color LANG=C.UTF-8 \
    CCAUTH_MANAGED_DIR="$root/managed" CCAUTH_LOG_FILE="$root/ccauth.log" \
    ANTHROPIC_API_KEY="$fake_key" "$bin" "$@"
  local screen="" last="" tries=0
  while :; do
    sleep 0.2
    screen="$(tmux_ capture-pane -p | mask)"
    if [[ "$screen" == *"$marker"* && "$screen" == "$last" ]]; then
      break
    fi
    last="$screen"
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
      printf 'screenshots.sh: ccauth %s never showed %q; last screen:\n%s\n' "$*" "$marker" "$screen" >&2
      exit 1
    fi
  done
  for secret in "$fake_access" "$fake_refresh" "$fake_key" FAKE-ACCESS FAKE-REFRESH FAKE-KEY; do
    if [[ "$screen" == *"$secret"* ]]; then
      echo "screenshots.sh: a fake secret ($secret) reached the picture of ccauth $*" >&2
      exit 1
    fi
  done
  stop
  printf '%s\n' "$screen" >"$file.tmp"
  mv "$file.tmp" "$file"
}

shoot "$out/dashboard.txt" "Sources, highest first" status
shoot "$out/sign-in.txt" "Sign-in URL ready" demo
echo "wrote $out/dashboard.txt and $out/sign-in.txt"
