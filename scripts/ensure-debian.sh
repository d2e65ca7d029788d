#!/usr/bin/env bash
# ensure-debian.sh CMD PACKAGE [PACKAGE…]: make sure command CMD exists, installing the Debian
# packages when it is missing. Several suites may call it at once: apt runs under a lock.
# Where installing is impossible (not root, no apt-get) it says so loudly and exits 3, so the
# caller can skip its suite with a reason instead of failing obscurely.
set -uo pipefail
cmd="$1"; shift
if command -v "$cmd" >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "!! SKIPPING what needs '$cmd': it is not installed and this machine cannot install it (needs root and apt-get; packages: $*)" >&2
  exit 3
fi
echo "== installing $* (for $cmd) from Debian's packages" >&2
exec 9>/tmp/inference-payback-apt.lock
flock 9
if command -v "$cmd" >/dev/null 2>&1; then exit 0; fi
stamp=/tmp/inference-payback-apt-updated
if [ ! -f "$stamp" ]; then
  apt-get update -qq >&2 && touch "$stamp"
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
command -v "$cmd" >/dev/null 2>&1
