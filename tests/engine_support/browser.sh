#!/bin/sh
# Plays the browser for ccauth's sign-in tests (usable as BROWSER=tests/engine_support/browser.sh).
#
#   browser.sh URL
#
# Follows the redirects of URL one at a time with curl, keeping cookies, the way a browser would,
# until one points at a loopback callback (http://127.0.0.1:PORT/callback or localhost). Then:
#   - by default it requests the callback once, follows the callback server's redirect to its
#     `/done` page, and prints `callback <status> done <status>`;
#   - with CCAUTH_BROWSER_STOP_AT_CALLBACK=1 it requests nothing there and prints the callback
#     URL, as a user would copy it from the address bar to paste it.
# `curl -L` is not used: it would follow into the callback without a chance to stop or check.
# Exits non-zero when the chain ends anywhere else (the last URL and status go to stderr).
set -eu

url="${1:?usage: browser.sh URL}"
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT

hops=0
while [ "$hops" -lt 25 ]; do
  case "$url" in
    http://127.0.0.1:*/callback*|http://localhost:*/callback*|http://\[::1\]:*/callback*)
      if [ "${CCAUTH_BROWSER_STOP_AT_CALLBACK:-}" = "1" ]; then
        printf '%s\n' "$url"
        exit 0
      fi
      answer="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 30 "$url")"
      status="${answer%% *}"
      next="${answer#* }"
      if [ -n "$next" ] && [ "$next" != "$answer" ]; then
        done_status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$next")"
        printf 'callback %s done %s\n' "$status" "$done_status"
      else
        printf 'callback %s\n' "$status"
      fi
      exit 0
      ;;
  esac
  answer="$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 30 "$url")"
  status="${answer%% *}"
  next="${answer#* }"
  if [ -z "$next" ] || [ "$next" = "$answer" ]; then
    printf 'browser.sh: the redirects ended at HTTP %s without reaching the callback\n' "$status" >&2
    exit 1
  fi
  url="$next"
  hops=$((hops + 1))
done
printf 'browser.sh: too many redirects\n' >&2
exit 1
