import TensorCore

extension BatchNorm {
    /// The running mean and (unbiased) variance per feature that evaluation normalises with.
    ///
    /// A value, like the rest of the layer: each copy of a model has its own, so a copy taken
    /// as a checkpoint keeps the statistics it had.
    public struct RunningStatistics: Equatable, Sendable {
        /// The running mean per feature (zeros at first).
        public internal(set) var mean: [Scalar]
        /// The running (unbiased) variance per feature (ones at first).
        public internal(set) var variance: [Scalar]

        /// The starting estimates for `width` features: mean 0, variance 1.
        init(width: Int) {
            mean = Array(repeating: 0, count: width)
            variance = Array(repeating: 1, count: width)
        }

        /// The estimates as given (their widths checked by the caller).
        init(mean: [Scalar], variance: [Scalar]) {
            (self.mean, self.variance) = (mean, variance)
        }

        /// Moves the estimates toward a batch of `count` samples with the given mean and biased
        /// variance: r ← (1 − momentum)·r + momentum·batch, the variance corrected by n/(n − 1).
        mutating func update(batchMean: [Scalar], batchVariance: [Scalar], count: Int, momentum: Scalar) {
            let n = Scalar(count)
            let correction = count > 1 ? n / (n - 1) : 1
            for j in mean.indices {
                mean[j] = (1 - momentum) * mean[j] + momentum * batchMean[j]
                variance[j] = (1 - momentum) * variance[j] + momentum * batchVariance[j] * correction
            }
        }
    }
}
