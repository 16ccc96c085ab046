#!/usr/bin/env python3
"""Extra PML reference cases for the margin softmax losses and the weight regularizers, in
Tests/MetricLearningTests/Fixtures/margin_softmax.json (the catalogue's format, see
make_fixtures.py), and the outliers SubCenterArcFaceLoss.get_outliers finds on one of them.

The catalogue covers each loss's defaults; these cases cover what it does not: ArcFace with
targets beyond pi - m (its monotonic continuation), other margins, scales, temperatures and
sub-centre counts, a wider batch, SparseCentersRegularizer (its catalogue case needs
SoftTripleLoss) and weight_reg_weight left at its default.

usage: /tmp/pml/bin/python Scripts/make_margin_softmax_fixture.py   (rebuilds the file exactly)
"""
import json, os, sys, warnings
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import catalogue_case, generator_name, instantiate, spec  # noqa: E402

torch.set_default_dtype(torch.float64)


def cases(g):
    out = []
    def add(n, d, c, name, loss_spec):
        out.append(catalogue_case(g, n, d, c, name, loss_spec))
    C, D = 4, 6
    add(16, D, C, "arcface_m80_s8", spec("ArcFaceLoss", num_classes=C, embedding_size=D, margin=80, scale=8))
    add(16, D, C, "cosface_m02_s30", spec("CosFaceLoss", num_classes=C, embedding_size=D, margin=0.2, scale=30))
    add(16, D, C, "normalized_softmax_t05", spec("NormalizedSoftmaxLoss", num_classes=C, embedding_size=D, temperature=0.5))
    add(16, D, C, "subcenter_arcface_k2_m20_s30", spec("SubCenterArcFaceLoss", num_classes=C, embedding_size=D,
                                                       sub_centers=2, margin=20, scale=30))
    add(32, 8, 5, "subcenter_arcface_32x8_5_classes", spec("SubCenterArcFaceLoss", num_classes=5, embedding_size=8))
    add(16, D, C, "subcenter_arcface_sparse_centers", spec("SubCenterArcFaceLoss", num_classes=C, embedding_size=D,
        weight_regularizer=spec("SparseCentersRegularizer", num_classes=C, centers_per_class=3), weight_reg_weight=0.2))
    add(16, D, C, "cosface_center_invariant_default_weight", spec("CosFaceLoss", num_classes=C, embedding_size=D,
        weight_regularizer=spec("CenterInvariantRegularizer")))
    add(16, D, C, "arcface_regular_face", spec("ArcFaceLoss", num_classes=C, embedding_size=D,
        weight_regularizer=spec("RegularFaceRegularizer"), weight_reg_weight=2))
    return out


def outliers(case, threshold):
    loss = instantiate(case["pml"]["loss"])
    loss.W.data = torch.tensor(case["parameters"][0]["value"])
    found, centers = loss.get_outliers(torch.tensor(case["embeddings"]), torch.tensor(case["labels"]), threshold=threshold)
    return found.tolist(), centers.tolist()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    torch.manual_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        chosen = cases(torch.Generator().manual_seed(7))
    path = os.path.join(root, "Tests", "MetricLearningTests", "Fixtures", "margin_softmax.json")
    with open(path, "w") as f:
        json.dump({"generator": generator_name(), "seed": 7, "cases": chosen}, f)
    print(f"{path}: {len(chosen)} cases")
    wide = next(c for c in chosen if c["name"] == "subcenter_arcface_32x8_5_classes")
    for threshold in (75, 60):
        print(f"get_outliers({wide['name']}, threshold={threshold}):", outliers(wide, threshold))


if __name__ == "__main__":
    main()
