import TensorCore

/// Distance-weighted sampling (Wu, Manmatha, Smola & Krähenbühl 2017), as PML's
/// `DistanceWeightedMiner`.
///
/// On the unit sphere in D dimensions pairwise distances have density
/// q(d) ∝ d^(D−2) (1 − d²/4)^((D−3)/2). Negatives are drawn with weights
/// ∝ q(max(d, cutoff))⁻¹, zero for distances at or beyond `nonzeroLossCutoff` (they would
/// give no loss) and for same-label rows. Every anchor of a label with at least two
/// members draws as many triplets as its label has members: a uniform positive and a
/// weighted negative. Euclidean distance of normalised embeddings. The draws are fixed by
/// `seed`; pass a generator to `mine(_:using:)` for a stream across batches.
public struct DistanceWeightedMiner<Scalar: TensorScalar>: SeededMiner, Sendable {
    /// Distances below this are raised to it before weighting (variance control).
    public var cutoff: Scalar
    /// Negatives at or beyond this distance are never drawn.
    public var nonzeroLossCutoff: Scalar
    /// The seed of the draws made by `mine(_:labels:)`.
    public var seed: UInt64

    /// Creates the miner; the cutoffs default to PML's.
    public init(cutoff: Scalar = 0.5, nonzeroLossCutoff: Scalar = 1.4, seed: UInt64 = 0) {
        (self.cutoff, self.nonzeroLossCutoff, self.seed) = (cutoff, nonzeroLossCutoff, seed)
    }

    /// Mines with draws from `generator`, which advances.
    public func mine(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MinedTuples {
        try mineSharingMatrix(inputs, using: &generator).releasingMatrix()
    }

    /// Mines with draws from `generator`, handing on the squared distances it weighed.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MiningResult<Scalar> {
        try BatchValidation.requireFinite(["cutoff": cutoff, "nonzeroLossCutoff": nonzeroLossCutoff])
        try BatchValidation.require(cutoff >= 0, "cutoff", cutoff, "must not be negative")
        try BatchValidation.require(nonzeroLossCutoff > 0, "nonzeroLossCutoff", nonzeroLossCutoff, "must be positive")
        let squared = EuclideanDistance<Scalar>(squared: true)
        let d = try inputs.valueMatrix(squared)
        let weights = negativeWeights(d, inputs)
        let (labels, refs) = (inputs.labels, inputs.referenceLabels)
        let n = refs.count
        let groups = LabelGroups(refs)
        var out: [IndexTriplet] = []
        var cumulative = [Double](repeating: 0, count: n)
        for a in 0..<labels.count {
            // Positives: references with the anchor's label, other than the anchor itself.
            let own = inputs.pairing.selfReference(of: a)
            let members = groups.members(of: labels[a]).filter { $0 != own }
            guard !members.isEmpty else { continue }
            var total = 0.0
            for j in 0..<n {
                total += weights[a * n + j]
                cumulative[j] = total
            }
            guard total > 0 else { continue }
            // As many draws as the label has members (counting the anchor when it is among them).
            for _ in 0..<(members.count + (own == nil ? 0 : 1)) {
                let p = members[generator.nextIndex(below: members.count)]
                let target = generator.nextUnitInterval() * total
                var lo = 0, hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
                }
                out.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(lo)))
            }
        }
        ScratchMemory.recycle(consume weights)
        return inputs.mined(.triplets(out), from: (consume d).storage, of: squared)
    }

    /// The unnormalised sampling weight of every (anchor, reference) pair, row-major, from
    /// their squared distances `d` (they suffice: ln d = ½ ln d², and the cutoffs compare
    /// squared): zero for same-label references and those at or beyond `nonzeroLossCutoff`.
    ///
    /// Log-weights are shifted by each row's maximum before exponentiating (PML shifts by
    /// the global maximum); draws are proportional within a row, so the distribution is
    /// the same, and no row underflows to all zeros.
    func negativeWeights(_ d: Tensor<Scalar>, _ inputs: BatchInputs<Scalar>) -> [Double] {
        let (labels, refs) = (inputs.labels, inputs.referenceLabels)
        let (rows, n) = (labels.count, refs.count)
        let dimension = Scalar(inputs.embeddings.shape[1])
        let (lower, upper) = (cutoff * cutoff, nonzeroLossCutoff * nonzeroLossCutoff)
        var weights = [Double](zeroedCount: rows * n)  // the last step's buffer when ScratchMemory kept one
        var candidates: [Int] = [], logWeights: [Scalar] = []
        d.storage.withUnsafeBufferPointer { matrix in
            for i in 0..<rows {
                candidates.removeAll(keepingCapacity: true)
                logWeights.removeAll(keepingCapacity: true)
                var largest = -Scalar.infinity
                for j in 0..<n where labels[i] != refs[j] {
                    let squared = matrix[i * n + j]
                    guard squared < upper else { continue }
                    let clamped = Swift.max(squared, lower)
                    let lw = (2 - dimension) / 2 * Scalar.log(clamped)
                        - ((dimension - 3) / 2) * Scalar.log(Swift.max(1 - Scalar(0.25) * clamped, Scalar(1e-8)))
                    candidates.append(j)
                    logWeights.append(lw)
                    if lw.isFinite { largest = Swift.max(largest, lw) }
                }
                guard largest.isFinite else { continue }
                for (k, j) in candidates.enumerated() {
                    let w = Double(Scalar.exp(logWeights[k] - largest))
                    weights[i * n + j] = w.isFinite ? w : 0
                }
            }
        }
        return weights
    }
}
