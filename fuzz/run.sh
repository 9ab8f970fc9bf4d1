#!/bin/sh
# fuzz/run.sh [SECONDS] - build the libFuzzer targets with clang into
# build-fuzz and run each for SECONDS (default 30) on its seed corpus.
# New inputs go to build-fuzz/corpus/<target>; crashes, and inputs that run
# longer than 10 s (a hang), to build-fuzz/artifacts/.  Exits non-zero when a
# target crashes or hangs.
set -eu
secs=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=Asan -DKMM_FUZZ=ON -DKMM_TESTS=OFF >/dev/null
ninja -C "$build" fuzz_e820 fuzz_cmdline fuzz_bootlog fuzz_fdt

status=0
mkdir -p "$build/artifacts"
for t in e820 cmdline bootlog fdt; do
	mkdir -p "$build/corpus/$t"
	echo "== fuzz_$t for ${secs}s"
	if ! "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t-" \
		"$build/corpus/$t" "$root/fuzz/corpus/$t"; then
		echo "fuzz_$t: FAILED (see $build/artifacts)" >&2
		status=1
	fi
done
exit $status
