#!/usr/bin/env bash
# Usage: scripts/ensure-package.sh <command-or-check> <debian-package>
# Makes sure <command> is on the PATH (or, when the first argument holds a space, that the shell check
# succeeds, e.g. "/usr/bin/python3 -c 'import prometheus_client'"), installing the Debian package when it is
# missing and we can.
set -euo pipefail
cmd="$1"
pkg="$2"
present() {
  case "$cmd" in
    *" "*) bash -c "$cmd" >/dev/null 2>&1 ;;
    *) command -v "$cmd" >/dev/null 2>&1 ;;
  esac
}
if present; then
  exit 0
fi
echo ">> $cmd not found; installing Debian package $pkg" >&2
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "!! $cmd is missing and I cannot install it without root. Run: sudo apt-get install -y $pkg" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "!! no apt-get here; install $pkg (providing $cmd) with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
# Debian's redis-server package starts a system service on 6379; the tests never use it, and `make run`
# is happy to reuse it.
present || { echo "!! installed $pkg but $cmd is still missing" >&2; exit 1; }
