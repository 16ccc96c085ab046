import TensorCore

extension BatchNorm: CodableLayer {
    /// "BatchNorm".
    public static var codingKind: String { "BatchNorm" }

    private enum CodingKeys: String, CodingKey {
        case scale, shift, runningMean, runningVariance, momentum, epsilon
    }

    /// Decodes γ, β, the running statistics, momentum and ε.
    /// - Throws: `DecodingError` for γ, β and statistics that do not share one width of at
    ///   least 1, a negative or non-finite running variance or mean, a momentum outside [0, 1], or
    ///   an ε that is not finite and positive.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let scale = try container.decode(Tensor<Scalar>.self, forKey: .scale)
        let shift = try container.decode(Tensor<Scalar>.self, forKey: .shift)
        let mean = try container.decode([Scalar].self, forKey: .runningMean)
        let variance = try container.decode([Scalar].self, forKey: .runningVariance)
        let momentum = try container.decode(Scalar.self, forKey: .momentum)
        let epsilon = try container.decode(Scalar.self, forKey: .epsilon)
        try LayerCoding.decodingCheck(.epsilon, in: container) { try Self.check(momentum: momentum, epsilon: epsilon) }
        try LayerCoding.decodingCheck(.runningVariance, in: container) {
            try Self.check(statistics: RunningStatistics(mean: mean, variance: variance))
        }
        try LayerCoding.decodingCheck(.scale, in: container) { try Self.check(parameterShapes: [scale.shape, shift.shape], width: mean.count) }
        parameters = [scale, shift]
        statistics = RunningStatistics(mean: mean, variance: variance)
        (self.momentum, self.epsilon) = (momentum, epsilon)
    }

    /// Encodes γ, β, the running statistics, momentum and ε.
    /// - Throws: `EncodingError` when `parameters` are not γ and β of the statistics' width, or
    ///   momentum or ε is out of range (what would not load is not saved).
    public func encode(to encoder: any Encoder) throws {
        try LayerCoding.encodingCheck(self, in: encoder) {
            try Self.check(momentum: momentum, epsilon: epsilon)
            try Self.check(parameterShapes: parameters.map(\.shape), width: statistics.mean.count)
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parameters[0], forKey: .scale)
        try container.encode(parameters[1], forKey: .shift)
        try container.encode(statistics.mean, forKey: .runningMean)
        try container.encode(statistics.variance, forKey: .runningVariance)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(epsilon, forKey: .epsilon)
    }

    /// Throws unless the statistics share one width of at least 1, the means are finite and the
    /// variances finite and not negative.
    static func check(statistics: RunningStatistics) throws {
        let (mean, variance) = (statistics.mean, statistics.variance)
        guard !mean.isEmpty, mean.count == variance.count else {
            throw MetricLearningError(.shapeMismatch,
                "BatchNorm's running mean (\(mean.count) values) and variance (\(variance.count) values) must share one width of at least 1")
        }
        if let bad = mean.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput, "BatchNorm's running mean [\(bad)] is \(mean[bad]); it must be finite")
        }
        if let bad = variance.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw MetricLearningError(.invalidParameter, "BatchNorm's running variance [\(bad)] is \(variance[bad]); it must be finite and not negative")
        }
    }
}
