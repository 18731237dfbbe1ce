#!/usr/bin/env bash
# The README's first command: the local devnet. Installs OpenBLAS (Debian's libopenblas0-pthread) when it is
# missing and this user can install packages; otherwise the node falls back to its managed SIMD kernel and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing OpenBLAS (libopenblas0-pthread)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread >/dev/null) \
      || echo "could not install OpenBLAS; the managed matmul kernel will run instead"
  else
    echo "OpenBLAS is not installed and this user cannot install it; the managed matmul kernel will run instead"
  fi
fi
exec dotnet run -c Release --project src/Pocc.Cli -- devnet "$@"
