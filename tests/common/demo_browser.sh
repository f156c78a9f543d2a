#!/bin/sh
# Plays the browser for the sign-in journeys against ccauth's built-in DEMO issuer (usable as
# BROWSER=tests/common/demo_browser.sh).
#
#   demo_browser.sh AUTHORIZE_URL
#
# Like a person in a browser: loads the authorize page, reads the hidden `request` field of its
# Approve / Deny form, presses a button (POST `request=…&decision=…` to `/authorize/decision`),
# and follows the issuer's 303 back to the loopback callback, then to the callback's `/done` page.
#
# Environment (all optional):
#   CCAUTH_DEMO_DECISION=approve|deny  which button to press (default approve)
#   CCAUTH_BROWSER_STOP_AT_CALLBACK=1  do not request the callback; print its URL instead (as a
#                                      user would copy it from the address bar to paste it)
#   CCAUTH_BROWSER_CALLBACK_FILE=PATH  with the above, also write the URL to PATH (atomically)
#   CCAUTH_BROWSER_LOG=PATH            append `url URL` when started, then one line saying what
#                                      happened
#   CCAUTH_BROWSER_GATE=PATH           wait (at most a minute) until PATH exists before going on,
#                                      and remove it, so each run needs the test to open the gate
# Exits non-zero when a step does not answer as a browser would expect.
set -eu

url="${1:?usage: demo_browser.sh AUTHORIZE_URL}"
log="${CCAUTH_BROWSER_LOG:-/dev/null}"
say() { printf '%s\n' "$*" >>"$log"; }
say "url $url"

if [ -n "${CCAUTH_BROWSER_GATE:-}" ]; then
  waited=0
  until rm "$CCAUTH_BROWSER_GATE" 2>/dev/null; do
    waited=$((waited + 1))
    if [ "$waited" -gt 1200 ]; then
      say "the gate never opened"
      exit 1
    fi
    sleep 0.05
  done
fi

page="$(curl -sS --max-time 30 "$url")" || { say "authorize page failed"; exit 1; }
request="$(printf '%s\n' "$page" | sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p' | head -n 1)"
if [ -z "$request" ]; then
  say "no request field on the authorize page"
  exit 1
fi
base="${url%%/authorize*}"
decision="${CCAUTH_DEMO_DECISION:-approve}"
answer="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' \
  --data-urlencode "request=$request" --data-urlencode "decision=$decision" \
  "$base/authorize/decision")"
status="${answer%% *}"
callback="${answer#* }"
if [ "$status" != "303" ] || [ -z "$callback" ] || [ "$callback" = "$answer" ]; then
  say "decision answered HTTP $status without a redirect"
  exit 1
fi

if [ "${CCAUTH_BROWSER_STOP_AT_CALLBACK:-}" = "1" ]; then
  if [ -n "${CCAUTH_BROWSER_CALLBACK_FILE:-}" ]; then
    printf '%s\n' "$callback" >"$CCAUTH_BROWSER_CALLBACK_FILE.part"
    mv "$CCAUTH_BROWSER_CALLBACK_FILE.part" "$CCAUTH_BROWSER_CALLBACK_FILE"
  fi
  printf '%s\n' "$callback"
  say "stopped at the callback ($decision)"
  exit 0
fi

answer="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$callback")"
status="${answer%% *}"
done_url="${answer#* }"
if [ -n "$done_url" ] && [ "$done_url" != "$answer" ]; then
  # ccauth may already have closed the port (line mode exits at once): not the browser's fault.
  done_status="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' "$done_url" 2>/dev/null)" ||
    done_status="closed"
  say "$decision: callback $status done $done_status"
else
  say "$decision: callback $status"
fi
