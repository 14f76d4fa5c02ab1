#!/usr/bin/env bash
# Usage: scripts/build-go-pusher.sh [OUTPUT [PROGRAM]]
#   PROGRAM: pusher (default; src/test/go/pusher) or nativepusher (src/test/go/nativepusher, a native histogram)
#   OUTPUT:  default target/go-pusher/PROGRAM ("" also means the default)
#
# Builds a test pusher src/test/go/PROGRAM (the real Go client, client_golang's push package) OFFLINE,
# GOPATH mode, against Debian's packaged sources in /usr/share/gocode: no module is ever downloaded.
# Needs Debian's golang-go (1.19) and golang-github-prometheus-client-golang-dev (1.14, which brings
# client_model, common, protobuf, ...). GO_PUSHER_GOPATH points at another GOPATH holding the same import
# paths. The binary is written to a temporary name and renamed, so concurrent builds never leave a torn one.
# Tests build them through io.promstream.testing.GoPusher and io.promstream.testing.GoNativePusher.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
program="${2:-pusher}"
case "$program" in
  pusher | nativepusher) ;;
  *) echo "!! unknown program '$program' (pusher or nativepusher)" >&2; exit 2 ;;
esac
out="${1:-$root/target/go-pusher/$program}"
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
  go build -trimpath -o "$tmp" "./src/test/go/$program" ||
  die "go build of src/test/go/$program failed (GOPATH=$gopath, $(go version))"
mv -f "$tmp" "$out"
trap - EXIT
echo ">> built $out" >&2
