import TensorCore

/// A selection rule a miner applies, described as data, so that a loss can select and
/// reduce the same tuples straight from its distance matrix without listing them.
///
/// A miner exposes its rule through `Miner.rule`; a loss's `callAsFunction(_:minedBy:)`
/// uses it when it has a fused path for that rule and the same distance, and otherwise
/// mines and then reduces. Any miner, the library's or yours, may report a rule, provided
/// its `mine(_:)` returns exactly the tuples the rule selects.
public enum MiningRule<Scalar: TensorScalar>: Sendable {
    /// PML's `TripletMarginMiner`: the triplets whose gap g = d_an − d_ap (s_ap − s_an for a
    /// similarity) lies in the interval of `type` for `margin`.
    case tripletMargin(margin: Scalar, type: TripletMarginMiner<Scalar>.TripletType, distance: any Distance<Scalar>)
    /// PML's `MultiSimilarityMiner`: pairs chosen by relative similarity with slack `epsilon`.
    case multiSimilarity(epsilon: Scalar, distance: any Distance<Scalar>)
}
