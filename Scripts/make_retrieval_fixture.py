"""Regenerates Tests/MetricLearningTests/Fixtures/retrieval.json.

Expected retrieval metrics from pytorch-metric-learning's AccuracyCalculator (exact kNN
with Euclidean distance), NMI and AMI from scikit-learn on fixed cluster assignments, and
kNN majority-vote accuracy (ties count as misses) computed directly.

usage: python make_retrieval_fixture.py OUT.json   (needs torch, pytorch-metric-learning, scikit-learn)
"""
import json, sys
import numpy as np, torch
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
from pytorch_metric_learning.utils.inference import CustomKNN
from pytorch_metric_learning.distances import LpDistance
from sklearn.metrics import normalized_mutual_info_score, adjusted_mutual_info_score

rng = np.random.default_rng(7)

def knn_accuracy(q, ql, r, rl, k, same):
    d = ((q[:, None, :] - r[None, :, :]) ** 2).sum(-1)
    if same:
        np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    hits = 0
    for i in range(len(q)):
        votes = {}
        for j in order[i]:
            votes[rl[j]] = votes.get(rl[j], 0) + 1
        top = max(votes.values())
        winners = [c for c, v in votes.items() if v == top]
        hits += winners == [ql[i]]
    return hits / len(q)

def case(name, q, ql, r=None, rl=None):
    same = r is None
    calc = AccuracyCalculator(
        include=("precision_at_1", "r_precision", "mean_average_precision_at_r", "mean_reciprocal_rank", "mean_average_precision"),
        knn_func=CustomKNN(LpDistance(normalize_embeddings=False)), k="max_bin_count")
    tq, tql = torch.tensor(q), torch.tensor(ql)
    if same:
        acc = calc.get_accuracy(tq, tql)
    else:
        acc = calc.get_accuracy(tq, tql, torch.tensor(r), torch.tensor(rl), ref_includes_query=False)
    rr, rrl = (q, ql) if same else (r, rl)
    clusters = rng.integers(0, 4, size=len(ql))
    return {
        "name": name, "queries": q.tolist(), "query_labels": ql.tolist(),
        "references": None if same else r.tolist(), "reference_labels": None if same else rl.tolist(),
        "precision_at_1": acc["precision_at_1"], "r_precision": acc["r_precision"],
        "mean_average_precision_at_r": acc["mean_average_precision_at_r"],
        "mean_reciprocal_rank": acc["mean_reciprocal_rank"], "mean_average_precision": acc["mean_average_precision"],
        "knn_accuracy": {str(k): knn_accuracy(q, ql, rr, rrl, k, same) for k in (1, 3, 5)},
        "clusters": clusters.tolist(),
        "nmi": normalized_mutual_info_score(ql, clusters), "ami": adjusted_mutual_info_score(ql, clusters),
    }

centers = rng.normal(size=(5, 4)) * 1.5
ql = rng.integers(0, 5, size=60)
q = centers[ql] + rng.normal(size=(60, 4))
rl = rng.integers(0, 5, size=80)
r = centers[rl] + rng.normal(size=(80, 4))
cases = [case("same_set", q, ql), case("query_vs_reference", q[:40], ql[:40], r, rl)]
json.dump({"generator": "pytorch-metric-learning AccuracyCalculator + scikit-learn", "cases": cases}, open(sys.argv[1], "w"))
