"""Time pytorch-metric-learning (CPU) on miner + loss, forward and backward: the peer to beat.

usage: python pml_bench.py [--json] [--suite core|catalogue|miners|all] [--cases A,B,...] [--classes C] [NxD ...]
       (default suite core; default sizes 128x64 512x128 2048x128)

Each case: float32 embeddings drawn from a standard normal, labels uniform over N/8 classes,
one warm-up step, then the median of 15 timed steps (5 at N >= 2048). With --classes C, labels
are uniform over C classes instead and the keys read CASE@NxDcC (e.g. arcface@512x512c10000). With --json the last
line printed is {"CASE@NxD": median_seconds, ...}; the package's own benchmark uses the same
case names so the two can be compared side by side in one run.
"""
import sys, time, json, torch
from pytorch_metric_learning import losses, miners, distances
torch.manual_seed(0)

class DetachedHistogramLoss(losses.DynamicSoftMarginLoss):
    """PML's DynamicSoftMarginLoss keeps hist_ attached to the previous step's graph, so the
    second step's backward fails; the histogram is detached before each step (local addition)."""
    def forward(self, *args, **kwargs):
        self.hist_ = self.hist_.detach()
        return super().forward(*args, **kwargs)

def cases(suite, classes, d):
    core = {
        "contrastive+pairmargin": (losses.ContrastiveLoss(), miners.PairMarginMiner()),
        "triplet+semihard": (losses.TripletMarginLoss(margin=0.1), miners.TripletMarginMiner(margin=0.1, type_of_triplets="semihard")),
        "triplet+batchhard": (losses.TripletMarginLoss(margin=0.1), miners.BatchHardMiner()),
        "multisimilarity+ms": (losses.MultiSimilarityLoss(), miners.MultiSimilarityMiner()),
        "angular": (losses.AngularLoss(), None),
        "triplet+distweighted": (losses.TripletMarginLoss(margin=0.1), miners.DistanceWeightedMiner()),
    }
    # The rest of the catalogue: losses over every pair of the batch, and losses with learnable
    # class weights or proxies (classes = N/8 as above; their parameters start from PML's init).
    catalogue = {
        "ntxent": (losses.NTXentLoss(), None),
        "supcon": (losses.SupConLoss(), None),
        "circle": (losses.CircleLoss(), None),
        "generalizedlifted": (losses.GeneralizedLiftedStructureLoss(), None),
        "fastap": (losses.FastAPLoss(), None),
        "nca": (losses.NCALoss(), None),
        "pnp": (losses.PNPLoss(), None),
        "dynamicsoftmargin": (DetachedHistogramLoss(), None),
        "tcm": (losses.ThresholdConsistentMarginLoss(), None),
        "proxyanchor": (losses.ProxyAnchorLoss(classes, d), None),
        "proxynca": (losses.ProxyNCALoss(classes, d), None),
        "arcface": (losses.ArcFaceLoss(classes, d), None),
        "cosface": (losses.CosFaceLoss(classes, d), None),
        "normalizedsoftmax": (losses.NormalizedSoftmaxLoss(classes, d), None),
        "softtriple": (losses.SoftTripleLoss(classes, d), None),
    }
    # Local addition to the vendored copy: PML's other miners after a loss they suit (not in "all").
    miner_cases = {
        "triplet+angularminer": (losses.TripletMarginLoss(margin=0.1), miners.AngularMiner()),
        "contrastive+hdc": (losses.ContrastiveLoss(), miners.HDCMiner()),
        "contrastive+uniformhistogram": (losses.ContrastiveLoss(), miners.UniformHistogramMiner()),
    }
    return {"core": core, "catalogue": catalogue, "miners": miner_cases, "all": {**core, **catalogue}}[suite]

def run(name, loss, miner, n, d, classes, reps):
    x = torch.randn(n, d, requires_grad=True)
    y = torch.randint(0, classes, (n,))  # classes = N/8
    def step():
        x.grad = None
        t = miner(x, y) if miner is not None else None
        l = loss(x, y, t)
        l.backward()   # learnable parameters (proxies, class weights) get their gradients too
        return l
    step()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); step(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts)//2]

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "-h" in argv or "--help" in argv:   # local addition to the vendored copy: the peer had no --help
        print(__doc__.strip()); sys.exit(0)
    suite = "core"
    if "--suite" in argv:
        i = argv.index("--suite"); suite = argv[i + 1]; del argv[i:i + 2]
    only, fixed_classes = None, None
    if "--classes" in argv:
        i = argv.index("--classes"); fixed_classes = int(argv[i + 1]); del argv[i:i + 2]
    if "--cases" in argv:
        i = argv.index("--cases"); only = argv[i + 1].split(","); del argv[i:i + 2]
    args = [a for a in argv if a != "--json"]
    sizes = [(int(a), int(b)) for a, b in (s.split("x") for s in args)] or [(128, 64), (512, 128), (2048, 128)]
    out = {}
    for n, d in sizes:
        classes = fixed_classes or max(2, n // 8)
        for name, (loss, miner) in cases(suite, classes, d).items():
            if only is not None and name not in only:
                continue
            reps = 5 if n >= 2048 else 15
            try:
                t = run(name, loss, miner, n, d, classes, reps)
                out[f"{name}@{n}x{d}" + (f"c{classes}" if fixed_classes else "")] = t
                print(f"{name:24s} N={n:5d} D={d:4d}  median {t*1000:9.2f} ms", flush=True)
            except Exception as e:
                print(f"{name:24s} N={n:5d} D={d:4d}  FAILED {type(e).__name__}: {str(e)[:80]}", flush=True)
    if "--json" in sys.argv:
        print(json.dumps(out))
