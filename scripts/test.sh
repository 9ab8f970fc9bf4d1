#!/usr/bin/env bash
# test.sh - kmm's whole CI: build and ctest in each build type, smoke-run the
# fuzzers, then the fidelity comparison against real Linux when available.
#
#   Debug    build-debug/    full validation (KMM_DEBUG_LEVEL 3)
#   Asan     build-asan/     ASan + UBSan, full validation
#   Release  build-release/  -O2, checks compiled out
#   Tsan     build-tsan/     ThreadSanitizer: the tests that run threads
#            (ctest -L threads)
#   fuzz     fuzz/run.sh SECONDS, when present (KMM_FUZZ_SECONDS, default 20)
#   fidelity tests/fidelity.sh (else tests/fidelity.py) BUILD-RELEASE/kmm,
#            when ../shared/oracle/tools/fidelity exists
#
# Every ctest test counts once per build type; fuzz and fidelity add the
# "N passed, N failed" they print, or count as one step when they print none;
# a build type that fails to configure or build counts as one failure.  Ends
# with one line "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

step_ok() { passed=$((passed + 1)); }
step_fail() { failed=$((failed + 1)); echo "test.sh: FAILED: $*" >&2; }

# run_build_type TYPE DIR [CTEST-ARGS...]: configure, build, ctest; add ctest's counts
run_build_type() {
	local bt=$1 dir=$2 log
	shift 2
	echo "=== $bt ($dir) ==="
	if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$bt"; then
		step_fail "$bt: cmake"
		return
	fi
	if ! ninja -C "$dir"; then
		step_fail "$bt: build"
		return
	fi
	log=$(mktemp)
	ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@" 2>&1 | tee "$log"
	# "100% tests passed, 0 tests failed out of 12"
	local line total nfail
	line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1)
	if [ -n "$line" ]; then
		nfail=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
		total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
		passed=$((passed + total - nfail))
		failed=$((failed + nfail))
		[ "$nfail" -eq 0 ] || echo "test.sh: FAILED: $bt: $nfail ctest test(s)" >&2
	elif grep -q 'No tests were found' "$log"; then
		echo "test.sh: $bt: no tests"
	else
		step_fail "$bt: ctest did not report"
	fi
	rm -f "$log"
}

run_build_type Debug build-debug
run_build_type Asan build-asan
run_build_type Release build-release
run_build_type Tsan build-tsan -L threads

# run_step NAME CMD...: run a whole-suite step.  When its output ends with
# "N passed, N failed" those counts are added, otherwise it counts as one
# step; a non-zero exit always counts at least one failure.
run_step() {
	local name=$1 log rc line np nf
	shift
	echo "=== $name ==="
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
	rm -f "$log"
	if [ -n "$line" ]; then
		np=${line%% passed*}
		nf=${line#*, }
		nf=${nf%% failed}
		[ "$rc" -eq 0 ] || [ "$nf" -gt 0 ] || nf=1
		passed=$((passed + np))
		failed=$((failed + nf))
		[ "$nf" -eq 0 ] || echo "test.sh: FAILED: $name: $nf" >&2
	elif [ "$rc" -eq 0 ]; then
		step_ok
	else
		step_fail "$name (exit $rc)"
	fi
}

# Fuzzers: a short smoke run on their corpus, bounded even if a target
# ignores its time limit.
if [ -x fuzz/run.sh ]; then
	KMM_FUZZ_SECONDS=${KMM_FUZZ_SECONDS:-20}
	export KMM_FUZZ_SECONDS
	run_step "fuzz (fuzz/run.sh, $KMM_FUZZ_SECONDS s per target)" timeout 900 fuzz/run.sh "$KMM_FUZZ_SECONDS"
fi

# Fidelity against real Linux, with the Release kmm (fastest).
FIDELITY="$ROOT/../shared/oracle/tools/fidelity"
KMM_BIN="$ROOT/build-release/kmm"
if [ -e "$FIDELITY" ]; then
	export KMM_FIDELITY="$FIDELITY" KMM_BINARY="$KMM_BIN"
	if [ -f tests/fidelity.sh ]; then
		run_step "fidelity (tests/fidelity.sh)" timeout 900 bash tests/fidelity.sh "$KMM_BIN"
	elif [ -f tests/fidelity.py ]; then
		run_step "fidelity (tests/fidelity.py)" timeout 900 python3 tests/fidelity.py "$KMM_BIN"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
