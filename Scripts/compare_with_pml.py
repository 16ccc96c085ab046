#!/usr/bin/env python3
"""Side-by-side timing of metric-bench and the peer benchmark (PML), in alternating rounds.

usage: python3 Scripts/compare_with_pml.py [--rounds R] [--python /tmp/pml/bin/python] [--bench PATH]
       [--suite core|catalogue|all] [--cases A,B,...] [--classes C] [NxD ...]

Each round runs `.build/release/metric-bench --json SIZES` (or the metric-bench at PATH, for
example a build with the FusedMultiplyAdd trait) and then
`Scripts/pml_bench.py --json SIZES` (the package's own copy of the peer benchmark) with the
given Python (one that has torch and pytorch-metric-learning). Per case it prints the median over rounds of each side's median step
time and the speed-up, as a Markdown table. Build first: `swift build -c release --product metric-bench`.
Both sides are noisy on a shared 2-core machine (±10–30% between runs); alternating rounds
expose both to the same conditions.
"""
import json, os, statistics, subprocess, sys, time

def last_json(output):
    return json.loads(output.strip().splitlines()[-1])

def main():
    args = sys.argv[1:]
    rounds, python = 3, "/tmp/pml/bin/python"
    if "--rounds" in args:
        i = args.index("--rounds"); rounds = int(args[i + 1]); del args[i:i + 2]
    if "--python" in args:
        i = args.index("--python"); python = args[i + 1]; del args[i:i + 2]
    shared = []  # options both sides take: --suite, --cases, --classes
    for flag in ("--suite", "--cases", "--classes"):
        if flag in args:
            i = args.index(flag); shared += args[i:i + 2]; del args[i:i + 2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bench = os.path.join(root, ".build", "release", "metric-bench")
    if "--bench" in args:
        i = args.index("--bench"); bench = args[i + 1]; del args[i:i + 2]
    sizes = args or ["512x128", "2048x128"]
    peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pml_bench.py")   # vendored beside this script
    ours, theirs = {}, {}
    for r in range(rounds):
        for target, command in ((ours, [bench, "--json"] + shared + sizes),
                                (theirs, [python, peer, "--json"] + shared + sizes)):
            time.sleep(3)  # let the other side's memory and threads settle
            result = last_json(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for case, seconds in result.items():
                target.setdefault(case, []).append(seconds)
        print(f"round {r + 1} of {rounds} done", file=sys.stderr)
    print("| case | N×D | PML ms | ours ms | speed-up |")
    print("|---|---|---|---|---|")
    for case in ours:
        if case not in theirs:
            continue
        name, size = case.split("@")
        pml, mine = statistics.median(theirs[case]) * 1000, statistics.median(ours[case]) * 1000
        print(f"| {name} | {size.replace('x', '×')} | {pml:.1f} | {mine:.2f} | {pml / mine:.1f}× |")

if __name__ == "__main__":
    main()
