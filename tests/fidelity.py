#!/usr/bin/env python3
"""fidelity.py - pin kmm's fidelity against real Linux (../shared/oracle).

Boots every oracle case in kmm the way the oracle's tools/fidelity does (its
own input writer, parser and comparison, loaded as a module), then
  1. checks every (case, stage) against tests/fidelity_pins.json: a stage that
     matched N figures must still match at least N (no regression), and the
     stages listed as "whole" for a case must match completely;
  2. checks the memblock=debug calls up to the first MEMBLOCK dump, which the
     foundation issue requires to match exactly on the x86 cases listed in
     the pins file ("calls_to_first_dump").
--update rewrites the pins from the current results (only raising them).
Exit 0 when everything holds; prints "N passed, N failed".
"""
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.environ.get("KMM_ORACLE") or os.path.join(ROOT, "..", "shared", "oracle")
PINS = os.path.join(HERE, "fidelity_pins.json")


def load_fidelity():
    path = os.path.join(ORACLE, "tools", "fidelity")
    loader = importlib.machinery.SourceFileLoader("oracle_fidelity", path)
    spec = importlib.util.spec_from_loader("oracle_fidelity", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def calls_before_first_dump(fid, parse_mod, lines):
    """memblock=debug call keys that precede the first MEMBLOCK dump"""
    head = []
    for ln in lines:
        if ln == "MEMBLOCK configuration:":
            break
        head.append(ln)
    log = parse_mod.parse_memblock(head)["log"]
    return [fid.call_key(c) for c in log]


def case_cmdline(fid, case, args):
    """The x86 command line when the boot-log inputs lack it.

    i386 prints its command line only late ("Kernel command line:"), which
    tools/fidelity does not pass on; the case's own boot command (run.meta
    "append:" plus its cmdline file) is an input the machine gave Linux.
    """
    if fid.arch_of(case) == "arm64" or "--dmesg" not in args:
        return []
    with open(args[args.index("--dmesg") + 1]) as f:
        if any("] Command line: " in l for l in f):
            return []
    append = ""
    meta = os.path.join(case, "run.meta")
    if os.path.exists(meta):
        for ln in open(meta):
            if ln.startswith("append:"):
                append = ln.split(":", 1)[1].strip()
    extra = os.path.join(case, "cmdline")
    # run.meta's append line is the whole command line QEMU passed (the
    # case's cmdline file included); the file alone only when it is missing
    if not append and os.path.exists(extra):
        append = (append + " " + " ".join(l.strip() for l in open(extra)
                                          if l.strip() and not l.lstrip().startswith("#"))).strip()
    return ["--cmdline", append] if append else []


def run_case(fid, case, kmm):
    """tools/fidelity's run_case, plus the x86 command line it leaves out"""
    arch = fid.arch_of(case)
    with open(os.path.join(case, "expect.json")) as f:
        want, want_calls = fid.figures(json.load(f), arch)
    with tempfile.TemporaryDirectory(prefix="kmm-fid-") as tmp:
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        args = fid.write_inputs(case, os.path.join(tmp, "in"), os.path.join(ORACLE, "kernels"))
        args += case_cmdline(fid, case, args) + ["--output-dir", out]
        p = subprocess.run([kmm] + args, capture_output=True, text=True, timeout=300)
        err = None if p.returncode == 0 else "kmm exited %d: %s" % (p.returncode, p.stderr.strip()[-300:])
        got, got_calls = fid.figures(fid.load_parser(arch).parse_case(out), arch) if not err else ({}, [])
    return fid.compare(want, got, want_calls, got_calls), err


def check_calls(fid, case, kmm):
    arch = fid.arch_of(case)
    parse_mod = fid.load_parser(arch)
    _, want_lines = parse_mod.kernel_lines(case)
    want = calls_before_first_dump(fid, parse_mod, want_lines)
    with tempfile.TemporaryDirectory() as tmp:
        args = fid.write_inputs(case, os.path.join(tmp, "in"), os.path.join(ORACLE, "kernels"))
        args += case_cmdline(fid, case, args)
        out = os.path.join(tmp, "out")
        p = subprocess.run([kmm] + args + ["--output-dir", out], capture_output=True, text=True)
        if p.returncode:
            return False, "kmm failed: " + p.stderr.strip()[-300:]
        _, got_lines = parse_mod.kernel_lines(out)
    got = calls_before_first_dump(fid, parse_mod, got_lines)
    if got != want:
        return False, "calls before the first dump differ:\n  linux=%s\n  kmm  =%s" % (want, got)
    return True, ""


def main(argv):
    kmm = os.path.abspath(argv[1] if len(argv) > 1 and not argv[1].startswith("-") else
                          os.path.join(ROOT, "build", "kmm"))
    update = "--update" in argv
    if not os.path.isdir(ORACLE):
        print("fidelity.py: no oracle at %s" % ORACLE)
        print("0 passed, 1 failed")
        return 1
    fid = load_fidelity()
    pins = json.load(open(PINS)) if os.path.exists(PINS) else {"cases": {}, "calls_to_first_dump": []}
    res = {}
    for case in fid.find_cases([os.path.join(ORACLE, "cases", a) for a in fid.ARCHES]):
        name = "%s/%s" % (fid.arch_of(case), os.path.basename(case))
        stages, err = run_case(fid, case, kmm)
        res[name] = {"stages": {k: v[:2] for k, v in stages.items()}}
        if err:
            print("ERROR %s: %s" % (name, err))
    passed = failed = 0
    for name, r in sorted(res.items()):
        pin = pins["cases"].get(name, {})
        for stage, (m, t) in sorted(r["stages"].items()):
            want = pin.get("min", {}).get(stage, 0)
            whole = stage in pin.get("whole", [])
            ok = m >= want and (not whole or m == t)
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s [%s]: matched %d/%d, pinned %d%s" % (name, stage, m, t, want,
                                                                   " (must be whole)" if whole else ""))
            if update:
                mins = pins["cases"].setdefault(name, {}).setdefault("min", {})
                mins[stage] = max(m, mins.get(stage, 0))
                if m == t and t > 0:
                    w = pins["cases"][name].setdefault("whole", [])
                    if stage not in w:
                        w.append(stage)
    if update:
        # pin every x86 case whose calls up to the first dump now match
        listed = pins.setdefault("calls_to_first_dump", [])
        for name in sorted(res):
            if name.startswith("arm64/") or name in listed:
                continue
            if check_calls(fid, os.path.join(ORACLE, "cases", name), kmm)[0]:
                listed.append(name)
        listed.sort()
    for name in pins.get("calls_to_first_dump", []):
        case = os.path.join(ORACLE, "cases", name)
        ok, why = check_calls(fid, case, kmm)
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s [calls to first dump]: %s" % (name, why))
    if update:
        with open(PINS, "w") as f:
            json.dump(pins, f, indent=1, sort_keys=True)
            f.write("\n")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
