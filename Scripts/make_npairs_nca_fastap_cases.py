#!/usr/bin/env python3
"""Writes Tests/MetricLearningTests/Fixtures/npairs_nca_fastap.json: PML 2.9 float64 cases of
NPairsLoss, NCALoss and FastAPLoss beyond the catalogue's defaults, in the catalogue format.

They pin what the defaults do not show: NCA and FastAP use every pair and take mined tuples only
as per-anchor weights (PML's convert_to_weights), NCA against references (ref_emb), NPairs' choice
of one pair per label from mined tuples, and other distances, reducers and bin counts.

usage: /tmp/pml/bin/python Scripts/make_npairs_nca_fastap_cases.py [--seed 1]
"""
import json, os, sys, warnings
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import catalogue_case, generator_name, spec


def cases(g, n=16, d=6, classes=4):
    out = []
    add = lambda name, loss, **options: out.append(catalogue_case(g, n, d, classes, name, loss, **options))
    triplets, pairs = spec("TripletMarginMiner", margin=0.2), spec("PairMarginMiner", pos_margin=0.3, neg_margin=0.7)
    add("nca_triplet_miner", spec("NCALoss"), miner_spec=triplets)
    add("nca_pair_miner", spec("NCALoss", softmax_scale=3), miner_spec=pairs)
    add("nca_references", spec("NCALoss", softmax_scale=2), references=True)
    add("nca_references_miner", spec("NCALoss"), references=True, miner_spec=spec("MultiSimilarityMiner", epsilon=0.1))
    add("nca_cosine", spec("NCALoss", softmax_scale=5, distance=spec("CosineSimilarity")))
    add("nca_lp1", spec("NCALoss", distance=spec("LpDistance")))
    add("nca_sum", spec("NCALoss", reducer=spec("SumReducer")))
    add("fastap_triplet_miner", spec("FastAPLoss"), miner_spec=triplets)
    add("fastap_pair_miner", spec("FastAPLoss", num_bins=7), miner_spec=pairs)
    add("fastap_power1", spec("FastAPLoss", num_bins=5, distance=spec("LpDistance", power=1)))
    add("fastap_1bin", spec("FastAPLoss", num_bins=1))
    add("fastap_sum", spec("FastAPLoss", num_bins=30, reducer=spec("SumReducer")))
    add("npairs_triplet_miner", spec("NPairsLoss"), miner_spec=triplets)
    add("npairs_pair_miner", spec("NPairsLoss"), miner_spec=pairs)
    add("npairs_lp", spec("NPairsLoss", distance=spec("LpDistance")))
    add("npairs_cosine_sum", spec("NPairsLoss", distance=spec("CosineSimilarity"), reducer=spec("SumReducer")))
    return out


def main():
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        document = {"generator": generator_name(), "seed": seed, "n": 16, "d": 6, "classes": 4,
                    "cases": cases(torch.Generator().manual_seed(seed))}
    path = os.path.join(root, "Tests", "MetricLearningTests", "Fixtures", "npairs_nca_fastap.json")
    with open(path, "w") as f:
        json.dump(document, f)
    print(f"{path}: {len(document['cases'])} cases")


if __name__ == "__main__":
    main()
