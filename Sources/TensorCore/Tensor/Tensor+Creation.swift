extension Tensor {
    /// A tensor of `shape` with every scalar equal to `value`.
    ///
    /// - Throws: `MetricLearningError.shapeMismatch` for a negative extent or a count that overflows.
    public init(repeating value: Scalar, shape: [Int]) throws {
        let count = try Tensor.validate(shape: shape)
        self.init(uncheckedShape: shape, scalars: Array(repeating: value, count: count))
    }

    /// Zeros of `shape`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func zeros(shape: [Int]) throws -> Tensor { try Tensor(repeating: 0, shape: shape) }

    /// Ones of `shape`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func ones(shape: [Int]) throws -> Tensor { try Tensor(repeating: 1, shape: shape) }

    /// The `size × size` identity matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func identity(size: Int) throws -> Tensor {
        var t = try Tensor(repeating: 0, shape: [size, size])
        for i in 0..<size { t.storage[i * size + i] = 1 }
        return t
    }

    /// Samples of 𝒩(mean, standardDeviation²), reproducible for a seed on every platform.
    /// - Throws: `MetricLearningError` for a bad shape, a non-finite mean or a standard
    ///   deviation that is negative or not finite.
    public static func randomNormal(
        shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, seed: UInt64
    ) throws -> Tensor {
        try BatchValidation.require(mean.isFinite, "mean", mean, "must be finite")
        try BatchValidation.require(standardDeviation >= 0 && standardDeviation.isFinite, "standardDeviation", standardDeviation,
                                    "must be finite and not negative")
        return try sampled(shape: shape, seed: seed) { mean + standardDeviation * Scalar($0.nextNormal()) }
    }

    /// Samples of the uniform distribution on [lower, upper), reproducible for a seed.
    /// - Throws: `MetricLearningError` for a bad shape or bounds that are not finite with lower ≤ upper.
    public static func randomUniform(
        shape: [Int], lower: Scalar = 0, upper: Scalar = 1, seed: UInt64
    ) throws -> Tensor {
        try BatchValidation.require(lower.isFinite && upper.isFinite && lower <= upper, "lower...upper", "\(lower)...\(upper)",
                                    "must be finite bounds with lower ≤ upper")
        return try sampled(shape: shape, seed: seed) { lower + (upper - lower) * Scalar($0.nextUnitInterval()) }
    }

    /// A tensor of `shape` filled in row-major order by `draw` from a generator seeded with `seed`.
    static func sampled(shape: [Int], seed: UInt64, _ draw: (inout SeededRandomGenerator) -> Scalar) throws -> Tensor {
        let n = try validate(shape: shape)
        var generator = SeededRandomGenerator(seed: seed)
        var values = [Scalar]()
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(draw(&generator)) }
        return Tensor(uncheckedShape: shape, scalars: values)
    }

    /// Zeros shaped like `other`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func zeros(like other: Tensor) -> Tensor {
        Tensor(uncheckedShape: other.shape, scalars: Array(repeating: 0, count: other.count))
    }
}
