import TensorCore

/// The multi-class hinge loss on the scores s = x·W, mean over samples.
///
/// - `.westonWatkins` (default): Σ_{j≠y} max(0, s_j − s_y + margin) (Weston & Watkins 1999).
/// - `.crammerSinger`: max_{j≠y} max(0, s_j − s_y + margin) (Crammer & Singer 2001).
/// - `.squared`: Σ_{j≠y} max(0, s_j − s_y + margin)².
public struct MultiClassHingeLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// How the per-class violations of one sample are combined.
    public enum Form: String, Sendable, Codable {
        /// Sum of violations.
        case westonWatkins
        /// The largest violation.
        case crammerSinger
        /// Sum of squared violations.
        case squared
    }

    /// The score gap the true class must keep over every other class.
    public var margin: Scalar
    /// How violations are combined.
    public var form: Form

    /// Creates the loss (margin 1, Weston–Watkins by default).
    public init(margin: Scalar = 1, form: Form = .westonWatkins) {
        (self.margin, self.form) = (margin, form)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let (n, _, c) = try ClassifierValidation.check(embeddings, weights: weights, labels: labels)
        try BatchValidation.requireFinite(["margin": margin])
        try BatchValidation.require(margin >= 0, "margin", margin, "must not be negative")
        let scores = matmul(embeddings, weights)
        let target = scores.gatheringElements(rows: Array(0..<n), columns: labels).reshaped(to: [n, 1])
        let isTarget = (0..<(n * c)).map { labels[$0 / c] == $0 % c }
        let zeros = Variable(Tensor<Scalar>(uncheckedShape: [n, c], scalars: Array(repeating: 0, count: n * c)))
        let violations = (scores - target + margin).relu().replacing(with: zeros, where: isTarget)
        let perSample: Variable<Scalar>
        switch form {
        case .westonWatkins: perSample = violations.sum(alongAxis: 1)
        case .crammerSinger: perSample = violations.max(alongAxis: 1)
        case .squared: perSample = violations.squared().sum(alongAxis: 1)
        }
        return try perSample.mean().checked()
    }
}
