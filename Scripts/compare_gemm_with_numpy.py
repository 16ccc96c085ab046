#!/usr/bin/env python3
"""Matrix-product throughput of metric-bench and numpy side by side, in alternating rounds.

usage: python3 Scripts/compare_gemm_with_numpy.py [--rounds R] [--bench PATH] [--python PY]

Each round runs `metric-bench --json gemm` (PATH, default .build/release/metric-bench) and then
the same float32 products in numpy (with PY, default this interpreter; numpy's own BLAS and its
threads, as the environment sets them: unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE to let
OpenBLAS pick its best kernels for the CPU). Shapes are metric-bench's: gemm@N is an N×N·N×N
product, gram@Nx128 X·Xᵀ (counted as the full product), gx and gtx an [N, N]·[N, 128] product
and its transposed form, and the three products of a 10,000-class classifier step at 512×512.
Each side's figure is its best of several repeats; the table gives the range over rounds of
each side's GFLOP/s and the median ratio, ours to numpy's, as Markdown.
"""
import json, os, statistics, subprocess, sys, time

NUMPY_SIDE = r'''
import json, sys, time, numpy as np
rng = np.random.default_rng(0)
def best(f, flops, repeats):
    f(); t = min(_time(f) for _ in range(repeats)); return flops / t / 1e9
def _time(f):
    s = time.perf_counter(); f(); return time.perf_counter() - s
r = {}
for n in (256, 512, 1024, 2048):
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    r[f"gemm@{n}"] = best(lambda: a @ b, 2 * n ** 3, max(3, min(50, 2 ** 31 // n ** 3)))
for n in (512, 1024, 2048):
    x, g = rng.standard_normal((n, 128), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    flops = 2 * n * n * 128
    r[f"gram@{n}x128"] = best(lambda: x @ x.T, flops, 10)
    r[f"gx@{n}x128"] = best(lambda: g @ x, flops, 10)
    r[f"gtx@{n}x128"] = best(lambda: g.T @ x, flops, 10)
x, w, g = (rng.standard_normal(s, dtype=np.float32) for s in ((512, 512), (512, 10000), (512, 10000)))
flops = 2 * 512 * 512 * 10000
r["xw@512x512x10000"] = best(lambda: x @ w, flops, 10)
r["gwt@512x512x10000"] = best(lambda: g @ w.T, flops, 10)
r["xtg@512x512x10000"] = best(lambda: x.T @ g, flops, 10)
print(json.dumps(r))
'''

def option(args, flag, default):
    if flag in args:
        i = args.index(flag); value = args[i + 1]; del args[i:i + 2]; return value
    return default

def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__.strip()); return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rounds = int(option(args, "--rounds", "3"))
    bench = option(args, "--bench", os.path.join(root, ".build", "release", "metric-bench"))
    python = option(args, "--python", sys.executable)
    ours, theirs, kernels = {}, {}, ""
    for r in range(rounds):
        for target, command in ((ours, [bench, "--json", "gemm"]), (theirs, [python, "-c", NUMPY_SIDE])):
            time.sleep(2)
            lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()
            if target is ours:
                kernels = lines[0]
            for shape, gflops in json.loads(lines[-1]).items():
                target.setdefault(shape, []).append(gflops)
        print(f"round {r + 1} of {rounds} done", file=sys.stderr)
    print(f"metric-bench: {kernels}")
    print("| shape | numpy GFLOP/s | ours GFLOP/s | ours / numpy |")
    print("|---|---|---|---|")
    for shape in ours:
        if shape in theirs:
            o, t = ours[shape], theirs[shape]
            ratio = statistics.median(a / b for a, b in zip(o, t))
            print(f"| {shape} | {min(t):.0f}–{max(t):.0f} | {min(o):.0f}–{max(o):.0f} | {ratio:.0%} |")

if __name__ == "__main__":
    main()
