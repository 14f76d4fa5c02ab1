#!/usr/bin/env bash
# Usage: scripts/demo.sh [--duration 300] [--rate 1.0] [--bad-every 10] [--seed N]
#
# Pushes a realistic stream of samples (all four types, several services, a few bad samples) onto the
# gateway's Redis queue; see scripts/demo.py. Against `make stack` it finds the addresses in .run/stack/env;
# against docker compose (Redis published on localhost:6379) or anything else, set REDIS_URI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ -z "${REDIS_URI:-}" ] && [ -f "${STACK_DIR:-$root/.run/stack}/env" ]; then
  set -a
  # shellcheck disable=SC1091
  . "${STACK_DIR:-$root/.run/stack}/env"
  set +a
fi

# redis-py for Debian's python (python3 on the PATH may be another interpreter without it)
if ! /usr/bin/python3 -c 'import redis' 2>/dev/null; then
  "$root/scripts/ensure-package.sh" /usr/bin/python3 python3
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "!! redis-py is missing for /usr/bin/python3: sudo apt-get install python3-redis" >&2
    exit 1
  fi
  echo ">> installing Debian package python3-redis" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-redis >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-redis >/dev/null; }
fi
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$root/scripts/demo.py" "$@"
