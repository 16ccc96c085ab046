import TensorCore

/// Pushes each class vector away from its nearest other one (Zhao et al. 2019, "RegularFace"),
/// as PML's `RegularFaceRegularizer`.
///
/// With cos θₖⱼ the cosine between class vectors k and j:
///
///     R = mean over k of cos θ_{k, j(k)},   j(k) = argmax_{j ≠ k} cos θₖⱼ
///
/// PML's `MeanReducer` and `CosineSimilarity`. The choice j(k) is detached (PML picks it
/// without gradient; the first on a tie); the gradient reaches both vectors of each chosen
/// pair. A single class vector is its own nearest (cosine 1, or 0 for a zero vector), as PML.
///
/// - Complexity: O(K²·D) time to find the nearest vectors, in row blocks of O(256·K) memory;
///   O(K·D) for the gradient.
public struct RegularFaceRegularizer<Scalar: TensorScalar>: WeightRegularizer, Codable {
    /// Creates the regularizer.
    public init() {}

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ classVectors: Variable<Scalar>) throws -> Variable<Scalar> {
        let k = try ClassifierValidation.checkClassVectors(classVectors).count
        let units = classVectors.normalizedRows()
        return try units.pairDotProducts(rows: Array(0..<k), columns: try Self.nearestOthers(units.value)).mean().checked()
    }

    /// For each row of `units`, the other row of largest dot product (the first on a tie);
    /// the row itself when it is the only one.
    static func nearestOthers(_ units: Tensor<Scalar>) throws -> [Int] {
        let k = units.shape[0], block = 256
        var nearest = Array(0..<k)
        for start in stride(from: 0, to: k, by: block) {
            let rows = Array(start..<Swift.min(start + block, k))
            let products = try matmul(try units.gatheringRows(rows), units, transposeB: true).storage
            for (r, i) in rows.enumerated() {
                var best: Int?
                for j in 0..<k where j != i && (best == nil || products[r * k + j] > products[r * k + best!]) { best = j }
                nearest[i] = best ?? i
            }
        }
        return nearest
    }
}
