# Two commands do everything on a fresh Debian 12 machine: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/quickstart.yaml

.PHONY: all bootstrap configure build run test test-slurm test-browser check-asan fuzz clean

all: build

bootstrap:
	@scripts/bootstrap.sh

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/moesim run $(SCENARIO)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# A sweep through a one-node Slurm cluster started on this machine (README "Running on a
# cluster"); installs Debian's Slurm and munge packages first. Needs root.
test-slurm: build
	@scripts/bootstrap.sh slurm
	tests/slurm/run_slurm_test.sh $(BUILD_DIR)/moesim

# `moesim report` pages loaded in headless Chromium (README "Report"): no script error, one chart
# mark per sweep point, screenshot colours; installs Debian's chromium and python3-pil first.
test-browser: build
	@scripts/bootstrap.sh browser
	tests/browser/run_browser_test.sh $(BUILD_DIR)/moesim

# Robustness (README): the whole ctest suite under ASan + UBSan in build-asan, and each libFuzzer
# target (clang) for FUZZ_SECONDS from a copy of its seed corpus in build-fuzz.
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
FUZZ_TARGETS = fuzz_scenario fuzz_units fuzz_trace_azure fuzz_trace_mooncake fuzz_trace_protobuf \
  fuzz_sweep fuzz_topology

check-asan: bootstrap
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Sanitize -DMOESIM_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
	  ctest --output-on-failure -j $(JOBS)

fuzz: bootstrap
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=Sanitize \
	  -DMOESIM_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	@FUZZ_SEED=$(FUZZ_SEED) fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
