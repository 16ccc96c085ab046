import TensorCore

/// Triplets whose angle at the negative exceeds a threshold (Wang, Zhou, Wen, Liu & Lin
/// 2017, "Deep Metric Learning with Angular Loss"), as PML's `AngularMiner`.
///
/// For every triplet (a, p, n) (p a reference with a's label other than a itself, n one
/// with another label) and the centre c = (a + p)/2, the angle is
/// θ = atan(‖a − p‖ / (2‖n − c‖)); the triplets with θ > `angleDegrees` are kept, in
/// lexicographic order. Default 20°.
///
/// As in PML, the distances are taken between the embeddings as given, not normalised
/// (PML requires a normalising `LpDistance` but measures with its `pairwise_distance`,
/// which does not normalise), each with PyTorch's `pairwise_distance` offset ε = 1e-6:
/// ‖x − y + ε·1‖. θ > α is decided as ‖a − p‖² > 4·tan²α·‖n − c‖², with ‖n − c + ε·1‖²
/// expanded over dot products.
///
/// - Complexity: O((N + M)·M·D) for the dot products of anchors and references with the
///   references, O(N·P·D) for the anchor–positive centres (P positives per anchor), then
///   O(1) per candidate triplet: O(N·P·M) in all, memory O((N + M)·M) plus the kept
///   triplets. (PML gathers the three D-wide rows of every one of the N·P·M triplets.)
public struct AngularMiner<Scalar: TensorScalar>: Miner, Sendable {
    /// Triplets whose angle is larger than this, in degrees, are kept; in [0, 90).
    public var angleDegrees: Scalar

    /// Creates the miner; the default is PML's.
    public init(angleDegrees: Scalar = 20) {
        self.angleDegrees = angleDegrees
    }

    /// - Throws: `MetricLearningError` for an angle outside [0°, 90°) or a bad batch.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples {
        try BatchValidation.requireFinite(["angleDegrees": angleDegrees])
        try BatchValidation.require(angleDegrees >= 0 && angleDegrees < 90, "angleDegrees", angleDegrees, "must lie in [0, 90)")
        let (n, m, width) = try inputs.validate()
        let (x, y) = (inputs.embeddings.value, inputs.references.value)
        let xy = try matmul(x, y, transposeB: true).storage
        let yy = inputs.referencesAreEmbeddings ? xy : try matmul(y, y, transposeB: true).storage
        let epsilon: Scalar = 1e-6
        let tangent = Scalar(Double.tan(Double(angleDegrees) * .pi / 180))
        let factor = 4 * tangent * tangent
        // ‖r − c + ε·1‖² = (‖r‖² + 2ε·Σr) − a·r − p·r + (‖c‖² − 2ε·Σc + D·ε²).
        let referenceTerms: [Scalar] = (0..<m).map { j in
            var (squares, sum): (Scalar, Scalar) = (0, 0)
            for k in 0..<width {
                let v = y.storage[j * width + k]
                (squares, sum) = (squares + v * v, sum + v)
            }
            return squares + 2 * epsilon * sum
        }
        let (labels, refs) = (inputs.labels, inputs.referenceLabels)
        let groups = LabelGroups(refs)
        let pairing = inputs.pairing
        let parts = x.storage.withUnsafeBufferPointer { xs in
            y.storage.withUnsafeBufferPointer { ys in
                nonisolated(unsafe) let xs = xs
                nonisolated(unsafe) let ys = ys
                return parallelRanges(n, work: n * m * 8) { anchors -> TripletBuffer in
                    var out = TripletBuffer()
                    var negatives = [Int32](), base = [Scalar]()
                    for a in anchors {
                        negatives.removeAll(keepingCapacity: true)
                        base.removeAll(keepingCapacity: true)
                        for j in 0..<m where refs[j] != labels[a] {
                            negatives.append(Int32(j))
                            base.append(referenceTerms[j] - xy[a * m + j])
                        }
                        let own = pairing.selfReference(of: a)
                        for p in groups.members(of: labels[a]) where p != own {
                            var (apSquared, centre, centreSum): (Scalar, Scalar, Scalar) = (0, 0, 0)
                            for k in 0..<width {
                                let (u, v) = (xs[a * width + k], ys[p * width + k])
                                let (difference, c) = (u - v + epsilon, (u + v) / 2)
                                (apSquared, centre, centreSum) = (apSquared + difference * difference, centre + c * c, centreSum + c)
                            }
                            let shift = centre - 2 * epsilon * centreSum + Scalar(width) * epsilon * epsilon
                            let row = p * m
                            out.reserve(negatives.count)
                            for t in negatives.indices {
                                let ncSquared = Swift.max(base[t] - yy[row + Int(negatives[t])] + shift, 0)
                                out.write(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: negatives[t]), kept: apSquared > factor * ncSquared)
                            }
                        }
                    }
                    return out
                }
            }
        }
        return .triplets(TripletBuffer.joined(parts))
    }
}
