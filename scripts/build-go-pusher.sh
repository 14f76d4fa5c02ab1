#!/usr/bin/env bash
# Usage: scripts/build-go-pusher.sh [OUTPUT]   (default: target/go-pusher/pusher)
#
# Builds the test pusher src/test/go/pusher (the real Go client, client_golang's push package) OFFLINE,
# GOPATH mode, against Debian's packaged sources in /usr/share/gocode: no module is ever downloaded.
# Needs Debian's golang-go (1.19) and golang-github-prometheus-client-golang-dev (1.14, which brings
# client_model, common, protobuf, ...). GO_PUSHER_GOPATH points at another GOPATH holding the same import
# paths. The binary is written to a temporary name and renamed, so concurrent builds never leave a torn one.
# Tests build it through io.promstream.testing.GoPusher.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/go-pusher/pusher}"
gopath="${GO_PUSHER_GOPATH:-/usr/share/gocode}"

die() { echo "!! $*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is missing: apt-get install golang-go"
for pkg in prometheus/client_golang/prometheus/push prometheus/common/expfmt prometheus/client_model/go; do
  [ -d "$gopath/src/github.com/$pkg" ] ||
    die "$gopath/src/github.com/$pkg is missing: apt-get install golang-github-prometheus-client-golang-dev"
done

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# the build cache: the user's, or one under target/ when there is no HOME (CI sandboxes)
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
  export GOCACHE="$root/target/go-pusher/gocache"
fi
cd "$root"
GO111MODULE=off GOPATH="$gopath" GOPROXY=off GOFLAGS= CGO_ENABLED=0 \
  go build -trimpath -o "$tmp" ./src/test/go/pusher ||
  die "go build of src/test/go/pusher failed (GOPATH=$gopath, $(go version))"
mv -f "$tmp" "$out"
trap - EXIT
echo ">> built $out" >&2
