#!/usr/bin/env bash
# setup.sh - install the Debian packages kmm's build, tests and fuzzers need.
#
# Debian 12 (bookworm), run as root (or with sudo available).  apt is skipped
# entirely when everything is already installed, so CI reruns are quick.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PKGS=(build-essential cmake ninja-build clang libcmocka-dev libfdt-dev
      device-tree-compiler python3 pkg-config
      libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev) # bench/page_alloc's peers

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

# libFuzzer ships in clang's compiler-rt package, whose name carries the clang
# version (libclang-rt-14-dev on Debian 12); look for the library itself.
have_fuzzer_rt() {
	compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null
}

if [ ${#missing[@]} -eq 0 ] && have_fuzzer_rt; then
	echo "setup.sh: all packages already installed"
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		SUDO="sudo -E"
	else
		echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi

$SUDO apt-get update
if [ ${#missing[@]} -gt 0 ]; then
	$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! have_fuzzer_rt; then
	ver=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)
	# optional: without it only the fuzz smoke run is skipped
	$SUDO apt-get install -y --no-install-recommends "libclang-rt-${ver}-dev" ||
		echo "setup.sh: libclang-rt-${ver}-dev not available; fuzzers will not build" >&2
fi
echo "setup.sh: done"
