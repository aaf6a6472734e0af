#!/usr/bin/env bash
# Installs the Debian packages moesim builds against, only when one is missing.
# Runs as root directly, otherwise through sudo.
set -euo pipefail
packages=(cmake make g++ pkg-config libsimgrid-dev libboost-graph-dev libyaml-cpp-dev
          libprotobuf-dev protobuf-compiler doctest-dev
          clang libclang-rt-14-dev   # clang + libFuzzer (libclang_rt.fuzzer) for `make fuzz`
          python3-pandas python3-matplotlib)  # python/: the moesim package and its tests
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
