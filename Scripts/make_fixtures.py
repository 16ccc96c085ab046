#!/usr/bin/env python3
"""Regenerates the PML reference fixtures in Tests/MetricLearningTests/Fixtures/.

Expected losses, gradients and mined tuples from pytorch-metric-learning (PML) 2.9 and torch,
in float64, on small random batches drawn from one seeded torch.Generator:

  losses_and_miners.json   25 cases: the first losses and miners; each case describes its
                           configuration in words ("config") and, for losses that own a class
                           weight matrix, carries "weights" (D x C) and "grad_weights".
  catalogue_pairs.json     the rest of PML's losses without learnable parameters, its other
                           miners, distances, reducers and embedding regularizers.
  catalogue_proxies.json   PML's losses with class weights or proxies, and its weight regularizers.

The catalogue cases name the PML objects they were computed with ("pml": {"loss": {"class":
"CircleLoss", "kwargs": {...}}}), an argument that is itself an object written the same way
and defaults left out; "parameters" lists every learnable parameter in PML's name and layout
with its value and gradient. Mined sets are sorted lists of tuples (compare them as sets).

The three files are reproducible: the generator is seeded with --seed and every case draws its
inputs from it in a fixed order, so the default arguments rebuild the bundled files exactly.
Both catalogue files come from one stream of draws (pairs and proxies cases interleave), so
`--only catalogue_pairs` still computes every catalogue case and writes only that file.
Other --seed/--n/--d/--classes values give other batches of the same cases (N at least
2 x CLASSES, so every class appears twice; for the catalogue N a multiple of CLASSES, since
SmoothAPLoss needs balanced labels).

usage: python3 Scripts/make_fixtures.py [--seed 1] [--out Tests/MetricLearningTests/Fixtures]
                                        [--only NAME ...] [--n 16] [--d 6] [--classes 4]
       (needs torch and pytorch-metric-learning, e.g. /tmp/pml/bin/python)
"""
import argparse, json, os, sys, warnings

import torch
import pytorch_metric_learning as pml
from pytorch_metric_learning import distances, losses, miners, reducers, regularizers

torch.set_default_dtype(torch.float64)

FILES = ("losses_and_miners", "catalogue_pairs", "catalogue_proxies")
PML_VERSION = "2.9.0"   # the version the bundled fixtures were made with


# ---------------------------------------------------------------------------------------------
# Batches and records shared by both families of cases
# ---------------------------------------------------------------------------------------------

def random_labels(n, classes, g):
    """N labels over `classes` classes: each class twice, the rest uniform, then shuffled."""
    twice = torch.arange(classes).repeat_interleave(2)
    extra = torch.randint(0, classes, (n - 2 * classes,), generator=g)
    return torch.cat([twice, extra])[torch.randperm(n, generator=g)]


def balanced_labels(n, classes):
    """[0, 0, .., 1, 1, ..]: N / classes rows of each class, in order (no draws)."""
    return torch.arange(classes).repeat_interleave(n // classes)


def mined_record(tuples):
    """A miner's output as sorted lists: triplets (a, p, n) or positive and negative pairs."""
    columns = [c.tolist() for c in tuples]
    if len(columns) == 3:
        return {"kind": "triplets", "anchor_positive_negative": sorted(zip(*columns))}
    a1, p, a2, n = columns
    return {"kind": "pairs", "positive_pairs": sorted(zip(a1, p)), "negative_pairs": sorted(zip(a2, n))}


def value_and_grads(f, *inputs):
    """f(*inputs) as a float and the gradient of it with respect to each input, as lists."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out = f(*leaves)
    out.backward()
    return out.item(), [t.grad.tolist() for t in leaves]


# ---------------------------------------------------------------------------------------------
# losses_and_miners.json
# ---------------------------------------------------------------------------------------------

AVG_NONZERO = "mean over terms that are > 0 (0 when none)"
MEAN_ALL = "mean over all terms"
PER_ANCHOR = "mean over all anchors (an anchor with no pairs contributes 0)"
ALL_PAIRS = "all positive and negative pairs (i != j)"
ALL_TRIPLETS = "all (a,p,n) with a != p"
SEPARATELY = ", computed separately for positive and negative pair terms, then summed"


def euclidean(normalize=True, power=1):
    return distances.LpDistance(normalize_embeddings=normalize, p=2, power=power)


def triplet_config(margin, *, distance="euclidean", normalize=True, swap=False, smooth=False, **extra):
    config = {"loss": "triplet_margin", "margin": margin, "distance": distance, "normalize_embeddings": normalize,
              "swap": swap, "smooth": smooth}
    config.update(extra)
    config.update({"triplets": ALL_TRIPLETS, "reduction": AVG_NONZERO})
    return config


def pml_case(g, n, d, classes, name, make_loss, config, *, miner=None, miner_config=None,
             owns_weights=False, unit_inputs=False):
    """A PML loss (optionally over a miner's tuples) on a random batch.

    Draws: embeddings (N x D), labels, then for losses with a weight matrix W (D x C)."""
    x = torch.randn(n, d, generator=g)
    if unit_inputs:
        x = x / x.norm(dim=1, keepdim=True)
    y = random_labels(n, classes, g)
    record = {"name": name, "config": config, "embeddings": x.tolist(), "labels": y.tolist()}
    loss = make_loss()
    tuples = None
    if miner is not None:
        tuples = miner(x, y)
        record["miner"] = miner_config
        record["mined"] = mined_record(tuples)
    if owns_weights:
        w = torch.randn(d, classes, generator=g)
        record["weights"] = w.tolist()
        loss.W = torch.nn.Parameter(w.clone())          # replaces PML's random initialisation
        xg = x.clone().requires_grad_(True)
        out = loss(xg, y, tuples)
        out.backward()
        record.update(loss=out.item(), grad_embeddings=xg.grad.tolist(), grad_weights=loss.W.grad.tolist())
    else:
        value, (gx,) = value_and_grads(lambda e: loss(e, y, tuples), x)
        record.update(loss=value, grad_embeddings=gx)
    return record


def linear_classifier_case(g, n, d, classes, name, config, per_batch_loss):
    """A loss of the logits embeddings @ weights, written directly in torch (not PML)."""
    x = torch.randn(n, d, generator=g)
    y = random_labels(n, classes, g)
    w = torch.randn(d, classes, generator=g)
    value, (gx, gw) = value_and_grads(lambda e, v: per_batch_loss(e @ v, y), x, w)
    return {"name": name, "config": config, "embeddings": x.tolist(), "labels": y.tolist(), "weights": w.tolist(),
            "loss": value, "grad_embeddings": gx, "grad_weights": gw}


def multiclass_hinge(margin, classes):
    def f(logits, y):
        target = logits.gather(1, y.view(-1, 1))
        terms = torch.clamp(logits - target + margin, min=0)
        terms = terms.masked_fill(torch.nn.functional.one_hot(y, classes).bool(), 0)
        return terms.sum(1).mean()
    return f


def exponential_triplet_case(g, n, d, classes, name, overlap, eps=1e-20):
    """Exponential triplet loss as in the authors' code (variant exp13), written in torch.

    Embeddings inside the unit ball (random directions, radii in [0.3, 1)); per anchor the
    farthest positive and nearest negative, distances divided by the ball's diameter 2:
      u = mean_a max(0, p_a - C) / (1 - C),  v = mean_a max(0, 0.5 - n_a) / 0.5,
      L = -ln(1 - u + eps) - ln(1 - v + eps).
    Draws: embeddings, radii (N x 1), labels."""
    x = torch.randn(n, d, generator=g)
    x = x / x.norm(dim=1, keepdim=True) * torch.rand(n, 1, generator=g).clamp(min=0.3)
    y = random_labels(n, classes, g)
    eye = torch.eye(n)
    same = y.view(-1, 1) == y.view(1, -1)
    positive, negative = same & ~eye.bool(), ~same

    def f(e):
        squared = ((e.unsqueeze(1) - e.unsqueeze(0)) ** 2).sum(-1)
        dist = torch.sqrt(squared + eye) - eye          # the +1 on the diagonal keeps sqrt's gradient finite
        hardest_pos = torch.where(positive, dist, torch.full_like(dist, -1.0)).max(1).values / 2.0
        hardest_neg = torch.where(negative, dist, torch.full_like(dist, 1e9)).min(1).values / 2.0
        u = torch.clamp(hardest_pos - overlap, min=0).mean() / (1 - overlap)
        v = torch.clamp(0.5 - hardest_neg, min=0).mean() / 0.5
        return -torch.log(1 - u + eps) - torch.log(1 - v + eps)

    value, (gx,) = value_and_grads(f, x)
    config = {"loss": "exponential_triplet", "overlap": overlap, "distance": "euclidean", "normalize_embeddings": False,
              "max_distance": 2.0, "mining": "per anchor: farthest positive, nearest negative (batch hard)",
              "form": "u = mean_a max(0, d_ap/2 - C)/(1 - C); v = mean_a max(0, 0.5 - d_an/2)/0.5; "
                      "L = -ln(1 - u + 1e-20) - ln(1 - v + 1e-20)"}
    return {"name": name, "config": config, "embeddings": x.tolist(), "labels": y.tolist(),
            "loss": value, "grad_embeddings": gx}


def losses_and_miners_cases(g, n, d, classes):
    """The 25 cases of losses_and_miners.json, in order (the order fixes the draws)."""
    C, D = classes, d
    cases = []

    def add(name, make_loss, config, **options):
        cases.append(pml_case(g, n, d, classes, name, make_loss, config, **options))

    add("contrastive_default", lambda: losses.ContrastiveLoss(),
        {"loss": "contrastive", "pos_margin": 0.0, "neg_margin": 1.0, "distance": "euclidean", "normalize_embeddings": True,
         "pairs": ALL_PAIRS, "reduction": AVG_NONZERO + SEPARATELY})
    add("contrastive_margins_raw_mean",
        lambda: losses.ContrastiveLoss(pos_margin=0.25, neg_margin=2.5, distance=euclidean(False), reducer=reducers.MeanReducer()),
        {"loss": "contrastive", "pos_margin": 0.25, "neg_margin": 2.5, "distance": "euclidean", "normalize_embeddings": False,
         "pairs": ALL_PAIRS, "reduction": MEAN_ALL + SEPARATELY})
    add("triplet_default", lambda: losses.TripletMarginLoss(), triplet_config(0.05))
    add("triplet_margin02_swap", lambda: losses.TripletMarginLoss(margin=0.2, swap=True), triplet_config(0.2, swap=True))
    add("triplet_smooth", lambda: losses.TripletMarginLoss(margin=0.2, smooth_loss=True),
        triplet_config(0.2, smooth=True, smooth_form="softplus(d_ap - d_an + margin) = log(1 + exp(d_ap - d_an + margin))"))
    add("triplet_squared_raw", lambda: losses.TripletMarginLoss(margin=1.0, distance=euclidean(False, power=2)),
        triplet_config(1.0, distance="squared_euclidean", normalize=False))

    angular_reduction = "mean over all positive pairs (a != p)"
    add("angular_default", lambda: losses.AngularLoss(),
        {"loss": "angular", "alpha_degrees": 40, "normalize_embeddings": True,
         "form": "per positive pair (a,p): log(1 + sum over negatives n of exp(4 tan^2(alpha) (x_a + x_p).x_n"
                 " - 2 (1 + tan^2(alpha)) x_a.x_p))",
         "reduction": angular_reduction}, unit_inputs=True)
    add("angular_45", lambda: losses.AngularLoss(alpha=45),
        {"loss": "angular", "alpha_degrees": 45, "normalize_embeddings": True, "reduction": angular_reduction},
        unit_inputs=True)

    add("multi_similarity_default", lambda: losses.MultiSimilarityLoss(),
        {"loss": "multi_similarity", "alpha": 2.0, "beta": 50.0, "base": 0.5, "similarity": "cosine",
         "form": "per anchor: (1/alpha) log(1 + sum_pos exp(-alpha (s - base))) + (1/beta) log(1 + sum_neg exp(beta (s - base)))",
         "reduction": PER_ANCHOR})
    add("multi_similarity_a1_b20", lambda: losses.MultiSimilarityLoss(alpha=1, beta=20, base=0.3),
        {"loss": "multi_similarity", "alpha": 1.0, "beta": 20.0, "base": 0.3, "similarity": "cosine", "reduction": PER_ANCHOR})

    for m in (2, 3, 4):
        add(f"large_margin_softmax_m{m}", lambda m=m: losses.LargeMarginSoftmaxLoss(num_classes=C, embedding_size=D, margin=m),
            {"loss": "large_margin_softmax", "margin": m, "scale": 1.0,
             "weights": "embedding_size x num_classes, columns are class weights",
             "psi": "(-1)^k cos(m theta) - 2k, k = floor(theta m / pi)",
             "logits": "|x| |w_j| cos(theta_j), target uses psi", "reduction": "mean over samples"},
            owns_weights=True)
    for m in (2, 4):
        add(f"sphereface_m{m}", lambda m=m: losses.SphereFaceLoss(num_classes=C, embedding_size=D, margin=m),
            {"loss": "a_softmax", "margin": m, "scale": 1.0, "weights": "embedding_size x num_classes, normalized in the loss",
             "logits": "|x| cos(theta_j), target uses psi", "reduction": "mean over samples"},
            owns_weights=True)

    cases.append(linear_classifier_case(g, n, d, classes, "multiclass_hinge_m1",
        {"loss": "multiclass_hinge", "margin": 1.0, "logits": "embeddings @ weights",
         "per_sample": "sum over j != y of max(0, s_j - s_y + margin)", "reduction": "mean over samples"},
        multiclass_hinge(1.0, classes)))
    cases.append(linear_classifier_case(g, n, d, classes, "softmax_cross_entropy",
        {"loss": "softmax_cross_entropy", "logits": "embeddings @ weights", "reduction": "mean over samples"},
        torch.nn.functional.cross_entropy))

    add("margin_loss_default", lambda: losses.MarginLoss(margin=0.2, nu=0, beta=1.2),
        {"loss": "margin", "margin": 0.2, "beta": 1.2, "beta_learnable": False, "distance": "euclidean", "normalize_embeddings": True,
         "form": "over all triplets (a,p,n) with a != p: relu(d_ap - beta + margin) + relu(beta - d_an + margin)",
         "reduction": "sum over triplets / (number of non-zero positive terms + number of non-zero negative terms)"})
    cases.append(exponential_triplet_case(g, n, d, classes, "exponential_triplet_c0", 0.0))
    cases.append(exponential_triplet_case(g, n, d, classes, "exponential_triplet_c02", 0.2))

    # Mined cases: the miner runs on the batch, the loss on what it returned.
    add("triplet_semihard_mined", lambda: losses.TripletMarginLoss(margin=0.2),
        {"loss": "triplet_margin", "margin": 0.2, "distance": "euclidean", "normalize_embeddings": True,
         "triplets": "mined", "reduction": AVG_NONZERO},
        miner=miners.TripletMarginMiner(margin=0.2, type_of_triplets="semihard"),
        miner_config={"miner": "triplet_margin", "type": "semihard", "margin": 0.2, "distance": "euclidean",
                      "normalize_embeddings": True, "rule": "keep (a,p,n) with d_ap < d_an <= d_ap + margin"})
    add("triplet_hard_mined", lambda: losses.TripletMarginLoss(margin=0.2),
        {"loss": "triplet_margin", "margin": 0.2, "triplets": "mined", "reduction": AVG_NONZERO},
        miner=miners.TripletMarginMiner(margin=0.2, type_of_triplets="hard"),
        miner_config={"miner": "triplet_margin", "type": "hard", "margin": 0.2, "rule": "keep (a,p,n) with d_an <= d_ap"})
    add("triplet_batch_hard", lambda: losses.TripletMarginLoss(margin=0.2),
        {"loss": "triplet_margin", "margin": 0.2, "triplets": "mined", "reduction": AVG_NONZERO},
        miner=miners.BatchHardMiner(),
        miner_config={"miner": "batch_hard",
                      "rule": "per anchor with a positive and a negative: farthest positive, nearest negative"})
    add("multi_similarity_mined", lambda: losses.MultiSimilarityLoss(),
        {"loss": "multi_similarity", "alpha": 2.0, "beta": 50.0, "base": 0.5, "similarity": "cosine", "pairs": "mined",
         "reduction": "mean over all anchors (an anchor with no mined pairs contributes 0)"},
        miner=miners.MultiSimilarityMiner(epsilon=0.1),
        miner_config={"miner": "multi_similarity", "epsilon": 0.1, "similarity": "cosine",
                      "rule": "neg pair (a,n) kept if s_an + eps > min positive similarity of a; "
                              "pos pair (a,p) kept if s_ap - eps < max negative similarity of a"})
    add("contrastive_pair_margin_mined", lambda: losses.ContrastiveLoss(pos_margin=0.2, neg_margin=0.8),
        {"loss": "contrastive", "pos_margin": 0.2, "neg_margin": 0.8, "normalize_embeddings": True, "pairs": "mined",
         "reduction": AVG_NONZERO},
        miner=miners.PairMarginMiner(pos_margin=0.2, neg_margin=0.8),
        miner_config={"miner": "pair_margin", "pos_margin": 0.2, "neg_margin": 0.8,
                      "rule": "pos kept if d > pos_margin, neg kept if d < neg_margin"})
    return cases


# ---------------------------------------------------------------------------------------------
# catalogue_pairs.json and catalogue_proxies.json
# ---------------------------------------------------------------------------------------------

PML_MODULES = (losses, miners, distances, reducers, regularizers)


def spec(cls, **kwargs):
    """How a case names a PML object: {"class": "CircleLoss", "kwargs": {...}}."""
    return {"class": cls, "kwargs": kwargs}


def instantiate(value):
    """The PML object a spec names (nested specs too); {"tensor": [...]} is a tensor."""
    if isinstance(value, dict) and "class" in value:
        module = next(m for m in PML_MODULES if hasattr(m, value["class"]))
        return getattr(module, value["class"])(**{k: instantiate(v) for k, v in value.get("kwargs", {}).items()})
    if isinstance(value, dict) and "tensor" in value:
        return torch.tensor(value["tensor"])
    if isinstance(value, dict):
        return {k: instantiate(v) for k, v in value.items()}
    return value


def catalogue_case(g, n, d, classes, name, loss_spec, *, miner_spec=None, balanced=False, references=False,
                   labelled=True, meta_classes=None, notes=None):
    """One catalogue case.

    Draws, in order: embeddings (N x D); labels (none when balanced; drawn even for label-free
    losses); each learnable parameter of the loss in PML's order; references (N x D) and, for
    labelled losses, reference labels; meta classes (ManifoldLoss)."""
    x = torch.randn(n, d, generator=g)
    y = balanced_labels(n, classes) if balanced else random_labels(n, classes, g)
    record = {"name": name, "pml": {"loss": loss_spec}, "embeddings": x.tolist()}
    if labelled:
        record["labels"] = y.tolist()
    loss = instantiate(loss_spec)
    parameters = list(loss.named_parameters())
    for _, p in parameters:
        p.data = torch.randn(p.shape, generator=g)
    r = ry = None
    if references:
        r = torch.randn(n, d, generator=g)
        record["references"] = r.tolist()
        if labelled:
            ry = random_labels(n, classes, g)
            record["reference_labels"] = ry.tolist()
    tuples = None
    if miner_spec is not None:
        miner = instantiate(miner_spec)
        tuples = miner(x, y) if r is None else miner(x, y, r, ry)
        record["pml"]["miner"] = miner_spec
        record["mined"] = mined_record(tuples)
    if meta_classes is not None:
        tuples = meta_classes(n, g)
        record["meta_classes"] = tuples.tolist()

    xg = x.clone().requires_grad_(True)
    rg = None if r is None else r.clone().requires_grad_(True)
    if labelled:
        out = loss(xg, y, tuples, rg, ry)
    elif rg is None:
        out = loss(xg, None, tuples)                    # ManifoldLoss: meta classes as indices_tuple
    elif isinstance(loss, losses.SelfSupervisedLoss):
        out = loss(xg, rg)                              # the wrapper: loss(embeddings, references)
    else:
        out = loss(xg, ref_emb=rg)                      # VICReg: references are the second view
    out.backward()

    record["loss"] = out.item()
    record["grad_embeddings"] = xg.grad.tolist()
    if rg is not None:
        record["grad_references"] = rg.grad.tolist()
    if parameters:                                      # values as the loss left them (P2SGrad rescales)
        record["parameters"] = [{"name": pname, "shape": list(p.shape), "value": p.detach().tolist(),
                                 "grad": p.grad.tolist()} for pname, p in parameters]
    if notes:
        record["notes"] = notes
    return record


def catalogue_cases(g, n, d, classes):
    """Every catalogue case, in order (the order fixes the draws); split by catalogue_files."""
    C, D = classes, d
    cases = []

    def add(name, loss_spec, **options):
        cases.append(catalogue_case(g, n, d, classes, name, loss_spec, **options))

    # Pair and tuple losses over every pair or triplet of the batch.
    add("circle_default", spec("CircleLoss"))
    add("circle_m025_g256", spec("CircleLoss", m=0.25, gamma=256))
    add("ntxent_default", spec("NTXentLoss"))
    add("ntxent_t05", spec("NTXentLoss", temperature=0.5))
    add("supcon_default", spec("SupConLoss"))
    add("supcon_t05", spec("SupConLoss", temperature=0.5))
    add("npairs_default", spec("NPairsLoss"),
        notes="one positive pair per label: anchor = the label's first row, positive = its second row "
              "(PML takes the first pair of each label in row-major order)")
    add("lifted_structure_default", spec("LiftedStructureLoss"))
    add("generalized_lifted_structure_default", spec("GeneralizedLiftedStructureLoss"))
    add("generalized_lifted_structure_margins", spec("GeneralizedLiftedStructureLoss", neg_margin=0.5, pos_margin=0.1))
    add("tuplet_margin_default", spec("TupletMarginLoss"))
    add("snr_contrastive_default", spec("SignalToNoiseRatioContrastiveLoss"))
    add("snr_contrastive_margins", spec("SignalToNoiseRatioContrastiveLoss", pos_margin=0.1, neg_margin=0.8))
    add("intra_pair_variance_default", spec("IntraPairVarianceLoss"))
    add("fast_ap_default", spec("FastAPLoss"))
    add("fast_ap_20_bins", spec("FastAPLoss", num_bins=20))
    add("histogram_default", spec("HistogramLoss"))
    add("histogram_10_bins", spec("HistogramLoss", n_bins=10))
    add("instance_default", spec("InstanceLoss"))
    add("instance_gamma16", spec("InstanceLoss", gamma=16))
    add("ranked_list_default", spec("RankedListLoss", margin=0.4, Tn=10))
    add("ranked_list_weighted_pos", spec("RankedListLoss", margin=0.4, Tn=1, Tp=0.5, imbalance=0.3))
    add("dynamic_soft_margin_default", spec("DynamicSoftMarginLoss"),
        notes="first call after construction: the running histogram starts at zero")
    add("threshold_consistent_margin_default", spec("ThresholdConsistentMarginLoss"))
    add("pnp_default", spec("PNPLoss"))
    for variant in ("Ds", "Dq", "Iu", "Ib"):
        add(f"pnp_{variant.lower()}", spec("PNPLoss", variant=variant))
    add("smooth_ap_default", spec("SmoothAPLoss"), balanced=True,
        notes="labels are balanced (equal count per class), as PML requires")
    add("nca_default", spec("NCALoss"))
    add("nca_scale4", spec("NCALoss", softmax_scale=4))
    add("manifold_default", spec("ManifoldLoss", l=D, K=C), labelled=False,
        meta_classes=lambda n_, g_: torch.cat([torch.arange(C), torch.randint(0, C, (n_ - C,), generator=g_)]),
        notes="no labels; meta_classes (one per embedding) are passed as PML's indices_tuple; proxies are K x l")

    # Self-supervised: embeddings and references are two views of the same items.
    add("vicreg_default", spec("VICRegLoss"), references=True, labelled=False)
    add("self_supervised_ntxent", spec("SelfSupervisedLoss", loss=spec("NTXentLoss")), references=True, labelled=False,
        notes="row i of embeddings and of references is one item (label i); symmetric: the wrapped loss over the "
              "2N rows [embeddings; references] with labels [0..N-1, 0..N-1]")
    add("self_supervised_triplet_asymmetric",
        spec("SelfSupervisedLoss", loss=spec("TripletMarginLoss", margin=0.2), symmetric=False),
        references=True, labelled=False,
        notes="asymmetric: the wrapped loss of embeddings (labels 0..N-1) against references as ref_emb (same labels)")

    # Against reference embeddings (PML's ref_emb and ref_labels).
    add("circle_references", spec("CircleLoss"), references=True)
    add("ntxent_references", spec("NTXentLoss", temperature=0.2), references=True)
    add("supcon_references", spec("SupConLoss"), references=True)

    # Proxy and classifier losses, with learnable parameters.
    add("arcface_default", spec("ArcFaceLoss", num_classes=C, embedding_size=D))
    add("arcface_m10_s16", spec("ArcFaceLoss", num_classes=C, embedding_size=D, margin=10, scale=16))
    add("cosface_default", spec("CosFaceLoss", num_classes=C, embedding_size=D))
    add("subcenter_arcface_default", spec("SubCenterArcFaceLoss", num_classes=C, embedding_size=D))
    add("normalized_softmax_default", spec("NormalizedSoftmaxLoss", num_classes=C, embedding_size=D))
    add("proxy_nca_default", spec("ProxyNCALoss", num_classes=C, embedding_size=D))
    add("proxy_anchor_default", spec("ProxyAnchorLoss", num_classes=C, embedding_size=D))
    add("proxy_anchor_m02_a16", spec("ProxyAnchorLoss", num_classes=C, embedding_size=D, margin=0.2, alpha=16))
    add("soft_triple_default", spec("SoftTripleLoss", num_classes=C, embedding_size=D))
    add("soft_triple_3_centers",
        spec("SoftTripleLoss", num_classes=C, embedding_size=D, centers_per_class=3, la=10, gamma=0.2, margin=0.05))
    add("p2sgrad_default", spec("P2SGradLoss", descriptors_dim=D, num_classes=C),
        notes="PML rescales every column of `weight` to unit norm at each call; `value` is the weight after that "
              "rescaling, as the loss used it")

    # Distances.
    add("contrastive_lp1", spec("ContrastiveLoss", distance=spec("LpDistance", p=1, normalize_embeddings=False), neg_margin=4.0))
    add("contrastive_lp2_power2", spec("ContrastiveLoss", distance=spec("LpDistance", power=2), neg_margin=1.5))
    add("contrastive_dot_product",
        spec("ContrastiveLoss", distance=spec("DotProductSimilarity"), pos_margin=1.0, neg_margin=0.0))
    add("triplet_snr_distance", spec("TripletMarginLoss", margin=0.2, distance=spec("SNRDistance")))

    # Reducers.
    add("triplet_class_weighted", spec("TripletMarginLoss", margin=0.2,
        reducer=spec("ClassWeightedReducer", weights={"tensor": [0.5 + i for i in range(C)]})),
        notes="weights indexed by the anchor's label")
    add("contrastive_per_anchor", spec("ContrastiveLoss", reducer=spec("PerAnchorReducer", reducer=spec("AvgNonZeroReducer"))))
    add("contrastive_multiple_reducers", spec("ContrastiveLoss",
        reducer=spec("MultipleReducers", reducers={"pos_loss": spec("MeanReducer")}, default_reducer=spec("SumReducer"))))
    add("multi_similarity_per_anchor_mean",
        spec("MultiSimilarityLoss", reducer=spec("PerAnchorReducer", reducer=spec("MeanReducer"))))

    # Regularizers.
    add("contrastive_lp_regularizer", spec("ContrastiveLoss", embedding_regularizer=spec("LpRegularizer"), embedding_reg_weight=0.1))
    add("triplet_zero_mean_regularizer",
        spec("TripletMarginLoss", embedding_regularizer=spec("ZeroMeanRegularizer"), embedding_reg_weight=0.5))
    add("arcface_center_invariant", spec("ArcFaceLoss", num_classes=C, embedding_size=D,
        weight_regularizer=spec("CenterInvariantRegularizer"), weight_reg_weight=0.3))
    add("normalized_softmax_regular_face", spec("NormalizedSoftmaxLoss", num_classes=C, embedding_size=D,
        weight_regularizer=spec("RegularFaceRegularizer"), weight_reg_weight=0.5))
    add("soft_triple_sparse_centers", spec("SoftTripleLoss", num_classes=C, embedding_size=D, centers_per_class=3,
        weight_regularizer=spec("SparseCentersRegularizer", num_classes=C, centers_per_class=3), weight_reg_weight=0.2))

    # Miners (the deterministic ones), each followed by a loss over what it mined.
    triplet02 = spec("TripletMarginLoss", margin=0.2)
    add("triplet_angular_miner", triplet02, miner_spec=spec("AngularMiner", angle=20))
    add("triplet_angular_miner_45", triplet02, miner_spec=spec("AngularMiner", angle=45))
    add("contrastive_hdc_miner", spec("ContrastiveLoss"), miner_spec=spec("HDCMiner", filter_percentage=0.5))
    add("contrastive_hdc_miner_03", spec("ContrastiveLoss"), miner_spec=spec("HDCMiner", filter_percentage=0.3))
    add("triplet_batch_easy_hard", triplet02, miner_spec=spec("BatchEasyHardMiner"))
    add("triplet_batch_easy_hard_hard_hard", triplet02,
        miner_spec=spec("BatchEasyHardMiner", pos_strategy="hard", neg_strategy="hard"))
    add("ntxent_pair_margin_miner", spec("NTXentLoss"), miner_spec=spec("PairMarginMiner", pos_margin=0.2, neg_margin=0.8))
    add("circle_multi_similarity_miner", spec("CircleLoss"), miner_spec=spec("MultiSimilarityMiner", epsilon=0.1))
    return cases


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def generator_name():
    return f"pytorch-metric-learning {pml.__version__}, torch float64"


def build_files(wanted, seed, n, d, classes):
    """{file name: JSON document} for the wanted files; each family starts from a fresh seed."""
    documents = {}
    if "losses_and_miners" in wanted:
        cases = losses_and_miners_cases(torch.Generator().manual_seed(seed), n, d, classes)
        documents["losses_and_miners"] = {"generator": generator_name(), "seed": seed, "cases": cases}
    if wanted & {"catalogue_pairs", "catalogue_proxies"}:
        cases = catalogue_cases(torch.Generator().manual_seed(seed), n, d, classes)
        header = {"generator": generator_name(), "seed": seed, "n": n, "d": d, "classes": classes}
        split = {"catalogue_pairs": [c for c in cases if "parameters" not in c],
                 "catalogue_proxies": [c for c in cases if "parameters" in c]}
        for name, chosen in split.items():
            if name in wanted:
                documents[name] = dict(header, cases=chosen)
    return documents


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(
        description="Regenerate the PML reference fixtures (float64) used by the package's tests.",
        epilog="With the defaults the bundled files are rebuilt exactly.")
    parser.add_argument("--seed", type=int, default=1, help="seed of the torch.Generator every batch is drawn from (default 1)")
    parser.add_argument("--out", default=os.path.join(root, "Tests", "MetricLearningTests", "Fixtures"),
                        help="folder to write NAME.json into (default: the package's Fixtures folder)")
    parser.add_argument("--only", nargs="+", choices=FILES, metavar="NAME",
                        help="write only these files: " + ", ".join(FILES) + " (default: all three)")
    parser.add_argument("--n", type=int, default=16, help="embeddings per batch (default 16)")
    parser.add_argument("--d", type=int, default=6, help="embedding dimension (default 6)")
    parser.add_argument("--classes", type=int, default=4, help="classes per batch (default 4)")
    args = parser.parse_args()

    wanted = set(args.only or FILES)
    if args.classes < 2 or args.d < 1:
        parser.error("need at least 2 classes and 1 dimension")
    if args.n < 2 * args.classes:
        parser.error("--n must be at least 2 x --classes (every class appears at least twice)")
    if wanted & {"catalogue_pairs", "catalogue_proxies"} and args.n % args.classes:
        parser.error("the catalogue needs --n to be a multiple of --classes (SmoothAPLoss takes balanced labels)")
    if pml.__version__ != PML_VERSION:
        print(f"warning: pytorch-metric-learning {pml.__version__}; the bundled fixtures were made with {PML_VERSION}",
              file=sys.stderr)

    torch.manual_seed(args.seed)   # PML's own initialisers draw from the global generator (their values are replaced)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # e.g. RankedListLoss on its temperature; not actionable here
        documents = build_files(wanted, args.seed, args.n, args.d, args.classes)
    os.makedirs(args.out, exist_ok=True)
    for name in FILES:
        if name in documents:
            path = os.path.join(args.out, name + ".json")
            with open(path, "w") as f:
                json.dump(documents[name], f)
            print(f"{path}: {len(documents[name]['cases'])} cases")


if __name__ == "__main__":
    main()
