# Lockstep Lab — the front door. CMake does the work underneath.
#   make          build the library, the `lab` command and the tests (build/)
#   make test     every GoogleTest suite through CTest
#   make tsan     the whole suite built with -fsanitize=thread and run (build-tsan/)
#   make bench    Google Benchmark figures, as ratios to a baseline measured in the same run
#   make demo     grade the bundled example submissions and show the table
#   make clang    build everything with clang++ (-Wthread-safety) into build-clang/
SHELL := /bin/bash
JOBS ?= $(shell nproc)
GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
CMAKE_FLAGS ?=

.PHONY: all deps build test tsan bench demo clang clean

all: build

deps:
	@scripts/deps.sh

build/CMakeCache.txt: | deps
	@cmake -S . -B build $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: deps build/CMakeCache.txt
	@cmake --build build -j $(JOBS)

test: build
	@cd build && ctest --output-on-failure -j $(JOBS) --timeout 600

build-tsan/CMakeCache.txt: | deps
	@cmake -S . -B build-tsan $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAB_TSAN=ON $(CMAKE_FLAGS) >/dev/null

tsan: deps build-tsan/CMakeCache.txt
	@cmake --build build-tsan -j $(JOBS)
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" LAB_TSAN_BUILD=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -LE no_tsan

bench: build
	@build/bench/lab_bench --benchmark_counters_tabular=true
	@if [ -x build/bench/std_bench ]; then build/bench/std_bench --benchmark_counters_tabular=true; \
	 else echo "std_bench not built (GCC only, not under LAB_TSAN)"; fi

demo: build
	@build/harness/lab demo

build-clang/CMakeCache.txt: | deps
	@CXX=clang++ CC=clang cmake -S . -B build-clang $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

clang: deps build-clang/CMakeCache.txt
	@cmake --build build-clang -j $(JOBS)

clean:
	rm -rf build build-tsan build-clang
