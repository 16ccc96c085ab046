#!/usr/bin/env python3
"""Regenerates Tests/MetricLearningTests/Fixtures/dynamic_soft_margin_calls.json.

Successive calls of one pytorch-metric-learning (PML) 2.9 DynamicSoftMarginLoss, in float64,
and the running histogram (hist_) each call leaves; the catalogue fixture only has a first call.

  call 0: a batch against itself (every triplet)
  call 1: a batch against separate references (ref_emb, ref_labels)
  call 2: a batch with listed pairs (indices_tuple (a1, p, a2, n)), which PML combines into triplets

Each call's gradient is the one PML computes for that call's inputs. PML keeps hist_ attached to
the previous call's graph, so a second backward pass through it fails; the histogram is detached
between calls here, which changes no gradient with respect to the new call's inputs. Batches are
kept inside PML's domain (x = d_ap - d_an < 1.6), where PML's scatter_add raises no index error.

usage: python3 Scripts/make_soft_margin_calls.py [OUT.json]   (needs torch and PML, e.g. /tmp/pml/bin/python)
"""
import json, sys

import torch
from pytorch_metric_learning.losses import DynamicSoftMarginLoss

torch.set_default_dtype(torch.float64)
generator = torch.Generator().manual_seed(5)


def batch(n, d=6, classes=4):
    x = torch.randn(n, d, generator=generator)
    labels = torch.arange(n) % classes
    return x, labels


def rows(t):
    return t.tolist()


def main(out):
    loss = DynamicSoftMarginLoss(min_val=-2.0, num_bins=10, momentum=0.3)
    calls = []
    x0, y0 = batch(16)
    x1, y1 = batch(12)
    r1, ry1 = batch(10, classes=3)
    x2, y2 = batch(14)
    pos = [(a, p) for a in range(14) for p in range(14) if a != p and y2[a] == y2[p] and (a + p) % 3 != 0]
    neg = [(a, q) for a in range(14) for q in range(14) if y2[a] != y2[q] and (a * q) % 4 != 1]
    tuple2 = tuple(torch.tensor(v) for v in ([a for a, _ in pos], [p for _, p in pos], [a for a, _ in neg], [q for _, q in neg]))
    for x, y, ref, ref_y, tuples in [(x0, y0, None, None, None), (x1, y1, r1, ry1, None), (x2, y2, None, None, tuple2)]:
        x = x.clone().requires_grad_(True)
        ref = None if ref is None else ref.clone().requires_grad_(True)
        value = loss(x, y, indices_tuple=tuples, ref_emb=ref, ref_labels=ref_y)
        value.backward()
        call = {"embeddings": rows(x.detach()), "labels": y.tolist(), "loss": value.item(), "grad_embeddings": rows(x.grad)}
        if ref is not None:
            call.update({"references": rows(ref.detach()), "reference_labels": ref_y.tolist(), "grad_references": rows(ref.grad)})
        if tuples is not None:
            call.update({"positive_pairs": [list(p) for p in pos], "negative_pairs": [list(q) for q in neg]})
        loss.hist_ = loss.hist_.detach()
        call["histogram"] = loss.hist_.tolist()
        calls.append(call)
    with open(out, "w") as f:
        json.dump({"generator": "Scripts/make_soft_margin_calls.py", "pml": {"class": "DynamicSoftMarginLoss",
                   "kwargs": {"min_val": -2.0, "num_bins": 10, "momentum": 0.3}}, "calls": calls}, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/MetricLearningTests/Fixtures/dynamic_soft_margin_calls.json")
