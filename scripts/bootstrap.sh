#!/usr/bin/env bash
# Installs the Debian packages moesim builds against, only when one is missing.
# Runs as root directly, otherwise through sudo.
#
#   scripts/bootstrap.sh [GROUP...]         install the groups' packages (default: build fuzz python)
#   scripts/bootstrap.sh --list [GROUP...]  print them, one a line, and install nothing
#
# Groups: build (compiler, CMake, the libraries, nlohmann-json among them, and doctest: enough
# for `make build` and `make test` of the C++ code; the Dockerfile installs this group), fuzz
# (clang + libFuzzer for `make fuzz`), python (python/: the moesim package and its tests), slurm
# (a one-node Slurm cluster for `make test-slurm`; not in the default), browser (headless
# Chromium and PIL for `make test-browser`; not in the default).
set -euo pipefail
build=(cmake make g++ pkg-config libsimgrid-dev libboost-graph-dev libyaml-cpp-dev
       libprotobuf-dev protobuf-compiler nlohmann-json3-dev doctest-dev)
fuzz=(clang libclang-rt-14-dev)                # clang + libFuzzer (libclang_rt.fuzzer)
python=(python3-pandas python3-matplotlib)     # python/: the moesim package and its tests
slurm=(munge slurmctld slurmd slurm-client)    # tests/slurm/local_cluster.sh
browser=(chromium python3-pil)                 # tests/browser/run_browser_test.sh

list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build fuzz python)
packages=()
for g in "${groups[@]}"; do
  case $g in
    build) packages+=("${build[@]}") ;;
    fuzz) packages+=("${fuzz[@]}") ;;
    python) packages+=("${python[@]}") ;;
    slurm) packages+=("${slurm[@]}") ;;
    browser) packages+=("${browser[@]}") ;;
    *) echo "bootstrap: unknown group '$g' (build, fuzz, python, slurm, browser)" >&2; exit 2 ;;
  esac
done
if [ $list -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
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
