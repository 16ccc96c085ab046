import TensorCore

/// ArcFace with sub-centres (Deng et al. 2020), as PML's `SubCenterArcFaceLoss`.
///
/// Each class has k sub-centres; an embedding's cosine with a class is the largest of its
/// cosines with the class's sub-centres, cos θⱼ = maxₛ x̂·ŵⱼₛ (the gradient goes to that
/// sub-centre), and the loss is `ArcFaceLoss` on those cosines: the target's logit
/// s·cos(θ_y + m) while θ_y ≤ π − m, s·(cos θ_y − m·sin m) beyond, the others s·cos θⱼ;
/// softmax cross-entropy, mean over samples. Noisy samples gather on non-dominant
/// sub-centres, which `outliers(embeddings:labels:weights:thresholdDegrees:)` finds.
///
/// Defaults as PML: margin 28.6° (in degrees), scale s = 64, k = 3 sub-centres. The weights
/// are PML's `W`, `[embeddingSize, classCount·k]`: class c's sub-centres are columns
/// c·k..<(c + 1)·k; initialised 𝒩(0, 1). Nothing is detached.
///
/// - Complexity: O(N·C·k·D) for the cosines (one matrix product), O(N·C·k) for the rest.
public struct SubCenterArcFaceLoss<Scalar: TensorScalar>: ClassifierLoss, Codable {
    /// The angular margin m added to the target's angle, in degrees (in [0, 180)).
    public var margin: Scalar
    /// The factor s on every logit (positive).
    public var scale: Scalar
    /// The number k of sub-centres of each class (≥ 1; 1 is `ArcFaceLoss`).
    public var subCenters: Int

    /// Creates the loss (PML's defaults: margin 28.6°, scale 64, 3 sub-centres).
    public init(margin: Scalar = 28.6, scale: Scalar = 64, subCenters: Int = 3) {
        (self.margin, self.scale, self.subCenters) = (margin, scale, subCenters)
    }

    /// Softmax cross-entropy of the margin logits over each class's nearest sub-centre, mean
    /// over samples.
    /// - Throws: `MetricLearningError` for a margin outside [0°, 180°), a scale that is not
    ///   positive and finite, fewer than one sub-centre, or embeddings, weights (`[D, C·k]`) or
    ///   labels (in `0..<C`) that do not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let margin = try MarginSoftmax.angularMargin(degrees: margin, scale: scale)
        try requireSubCenters()
        return try MarginSoftmax.crossEntropy(embeddings, weights: weights, labels: labels, subCenters: subCenters, scale: scale, margin: margin)
    }

    /// 𝒩(0, 1) samples of shape `[embeddingSize, classCount·subCenters]`, as PML.
    /// - Throws: `MetricLearningError` for fewer than one sub-centre or a negative count.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try requireSubCenters()
        try BatchValidation.require(classCount >= 0, "classCount", classCount, "must not be negative")
        return try Tensor.randomNormal(shape: [embeddingSize, classCount * subCenters], seed: seed)
    }

    /// The samples far from their class's dominant sub-centre (PML's `get_outliers`).
    ///
    /// For each class present in `labels`, each of its samples is assigned its nearest
    /// sub-centre by cosine; the sub-centre most samples chose (the first on a tie) is the
    /// dominant one, and a sample whose cosine with it is below cos(`thresholdDegrees`) is an
    /// outlier. No gradient.
    ///
    /// - Parameters:
    ///   - embeddings: `[N, D]`.
    ///   - labels: N labels in `0..<C`.
    ///   - weights: the loss's weights, `[D, C·k]`.
    ///   - thresholdDegrees: the largest angle to the dominant sub-centre that is not an
    ///     outlier (PML's `threshold`, default 75°).
    /// - Returns: the outliers' indices, class by class in increasing order (PML's order),
    ///   and each class's dominant sub-centre.
    /// - Throws: `MetricLearningError` for a non-finite threshold or inputs that do not fit.
    /// - Complexity: O(N·k·D).
    public func outliers(embeddings: Tensor<Scalar>, labels: [Int], weights: Tensor<Scalar>,
                         thresholdDegrees: Scalar = 75) throws -> SubCenterOutliers<Scalar> {
        try requireSubCenters()
        try BatchValidation.requireFinite(["thresholdDegrees": thresholdDegrees])
        let k = subCenters
        let (_, d, c) = try ClassifierValidation.check(Variable(embeddings), weights: Variable(weights), labels: labels, columnsPerClass: k)
        let threshold = Scalar.cos(thresholdDegrees * .pi / 180)
        let units = try embeddings.normalizedRows(), centers = try weights.transposed()
        let unitCenters = try centers.normalizedRows()
        var outliers: [Int] = [], dominant = [Int?](repeating: nil, count: c)
        var dominantCenters = [Scalar](repeating: 0, count: d * c)
        for (label, members) in Self.members(labels, classCount: c) where !members.isEmpty {
            let own = try unitCenters.gatheringRows(Array((label * k)..<((label + 1) * k)))
            let cosines = try matmul(try units.gatheringRows(members), own, transposeB: true)   // [n_c, k]
            var counts = [Int](repeating: 0, count: k)
            for row in 0..<members.count { counts[Self.firstMaximum(cosines.storage[(row * k)..<((row + 1) * k)])] += 1 }
            let best = Self.firstMaximum(counts[...])
            dominant[label] = best
            for j in 0..<d { dominantCenters[j * c + label] = centers.storage[(label * k + best) * d + j] }
            for (row, index) in members.enumerated() where cosines.storage[row * k + best] < threshold { outliers.append(index) }
        }
        return SubCenterOutliers(indices: outliers, dominantSubCenters: dominant,
                                 dominantCenters: Tensor(uncheckedShape: [d, c], scalars: dominantCenters))
    }

    private func requireSubCenters() throws {
        try BatchValidation.require(subCenters >= 1, "subCenters", subCenters, "must be at least 1")
    }

    /// The sample indices of each class, in increasing order.
    private static func members(_ labels: [Int], classCount: Int) -> EnumeratedSequence<[[Int]]> {
        var members = [[Int]](repeating: [], count: classCount)
        for (i, y) in labels.enumerated() { members[y].append(i) }
        return members.enumerated()
    }

    /// The offset of the first largest element (PyTorch's `argmax`).
    private static func firstMaximum<T: Comparable>(_ values: ArraySlice<T>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }
}
