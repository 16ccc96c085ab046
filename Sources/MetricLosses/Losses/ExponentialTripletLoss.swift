import TensorCore

/// The exponential triplet loss (Urtans, Nikitenko & Kopaev 2020; the authors' variant exp13).
///
/// Distances are plain Euclidean (embeddings expected inside the unit ball, see
/// `UnitBallProjection`) divided by the ball's diameter 2 and capped at 1. Per anchor
/// the farthest positive and the nearest negative are used (or the given triplets):
/// `u = mean max(0, p − C)/(1 − C)`, `v = mean max(0, 0.5 − n)/0.5`,
/// `L = −ln(1 − u + ε) − ln(1 − v + ε)` with ε = 1e-20 and C = `overlap` in [0, 1).
public struct ExponentialTripletLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// How far (in diameter units) positives may spread before they cost anything, in [0, 1).
    public var overlap: Scalar
    /// How embeddings are compared: plain Euclidean distance by default.
    public var distance: any Distance<Scalar>

    /// The diameter distances are divided by.
    public static var diameter: Scalar { 2 }
    /// The guard inside the logarithms.
    public static var epsilon: Scalar { Scalar(1e-20) }

    /// Creates the loss; the defaults are the authors'.
    public init(overlap: Scalar = 0, distance: any Distance<Scalar> = EuclideanDistance<Scalar>(normalizesEmbeddings: false)) {
        (self.overlap, self.distance) = (overlap, distance)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.require(overlap >= 0 && overlap < 1, "overlap", overlap, "must lie in [0, 1)")
        // Its terms are ratios of distances to the ball's diameter: a similarity gives NaN.
        try BatchValidation.require(!distance.isSimilarity, "distance", distance, "must be a distance, not a similarity")
        let triplets: TripletColumns
        if let tuples {
            triplets = TripletColumns(tuples.asTriplets())
        } else {
            let matrix = try inputs.matrix(distance).checked().value
            triplets = TripletColumns(BatchHardSelection.triplets(matrix, pairing: inputs.pairing, isSimilarity: distance.isSimilarity))
        }
        guard triplets.count > 0 else { return inputs.zeroLoss }
        let count = triplets.count
        let values = inputs.values(distance, rows: triplets.anchors + triplets.anchors, columns: triplets.positives + triplets.negatives)
        let ap = (values.elements(in: 0..<count) / Self.diameter).clamped(upper: 1)
        let an = (values.elements(in: count..<(2 * count)) / Self.diameter).clamped(upper: 1)
        let u = ((ap - overlap).relu() / (1 - overlap)).mean()
        let v = ((0.5 - an).relu() / 0.5).mean()
        return try (-((1 - u + Self.epsilon).log()) - (1 - v + Self.epsilon).log()).checked()
    }
}
