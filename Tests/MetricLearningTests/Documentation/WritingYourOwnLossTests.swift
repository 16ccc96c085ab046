// The example of the "Writing your own loss" article, verbatim, compiled and checked as a
// consumer writes it: plain imports, no @testable. Keep the article and this file in step.
import MetricLearning
import MetricLearningTesting
import Testing

// MARK: - The article's example

extension Variable {
    /// The smoothed hinge of a vector of terms, elementwise: 0 for x ≤ 0, x²/(2w) for
    /// 0 < x < w, x − w/2 from w on. Its derivative (0, x/w, 1) is continuous.
    func smoothHinge(width w: Scalar) -> Variable {
        Variable.record([self]) {
            guard value.rank == 1 else {
                throw MetricLearningError(.shapeMismatch, "smoothHinge takes a vector, got shape \(value.shape)")
            }
            let x = value.scalars
            let y = x.map { $0 <= 0 ? 0 : $0 < w ? $0 * $0 / (2 * w) : $0 - w / 2 }
            let slope = x.map { $0 <= 0 ? 0 : $0 < w ? $0 / w : 1 }
            // The pullback maps the output's gradient g to the input's: g · h′(x).
            return (Tensor(y), { g in [Tensor(zip(g.scalars, slope).map { $0 * $1 })] })
        }
    }
}

/// A contrastive loss with a smoothed hinge: positive pairs pay h(d − m⁺), negative pairs
/// h(m⁻ − d), averaged over all pairs. Pairs come from `BatchInputs.pairing`, so the loss
/// also runs against references (`CrossBatchMemory`, gathered embeddings).
struct SmoothContrastiveLoss<Scalar: TensorScalar>: MetricLoss {
    var positiveMargin: Scalar = 0
    var negativeMargin: Scalar = 1
    var width: Scalar = 0.2
    var distance: any Distance<Scalar> = EuclideanDistance<Scalar>()

    func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.require(width > 0, "width", width, "must be positive")
        try BatchValidation.require(!distance.isSimilarity, "distance", distance, "must be a distance, not a similarity")
        // The mined pairs (triplets give theirs), or every anchor–reference pair.
        let (positive, negative) = (tuples ?? inputs.pairing.allPairs()).asPairs()
        let dp = inputs.values(distance, rows: positive.map { Int($0.anchor) }, columns: positive.map { Int($0.other) })
        let dn = inputs.values(distance, rows: negative.map { Int($0.anchor) }, columns: negative.map { Int($0.other) })
        let total = (dp - positiveMargin).smoothHinge(width: width).sum()
            + (negativeMargin - dn).smoothHinge(width: width).sum()
        return total / Scalar(max(positive.count + negative.count, 1))
    }
}

// MARK: - Its checks

@Suite("Documentation: writing your own loss")
struct WritingYourOwnLossTests {
    @Test func theOperationsGradientMatchesFiniteDifferences() throws {
        // Points on every piece: below 0, inside (0, w), beyond w.
        let x = Tensor<Double>([-0.7, -0.1, 0.05, 0.13, 0.31, 0.9, 2.4])
        let report = try checkGradients(at: [x]) { v in (v[0].smoothHinge(width: 0.2) * v[0]).sum() }
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(report)")
        expectGradientsMatchFiniteDifferences(at: [x]) { v in v[0].smoothHinge(width: 0.5).squared().sum() }
    }

    @Test func theOperationRefusesAMatrix() throws {
        let m = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(throws: MetricLearningError.self) { try Variable(m).smoothHinge(width: 0.2).checked() }
    }

    @Test func theLossGradientMatchesFiniteDifferences() throws {
        let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: 1)
        let labels = [0, 0, 1, 1, 2, 2, 3, 3]
        let loss = SmoothContrastiveLoss<Double>(negativeMargin: 1.2)
        #expect(try loss.value(embeddings: x, labels: labels) > 0)
        expectGradientsMatchFiniteDifferences(of: loss, embeddings: x, labels: labels)
        // With mined tuples, fixed so that both sides of the check see the same terms.
        let tuples = try PairMarginMiner<Double>(positiveMargin: 0.2, negativeMargin: 0.9).mine(x, labels: labels)
        expectGradientsMatchFiniteDifferences(of: loss, embeddings: x, labels: labels, tuples: tuples)
    }

    @Test func theLossRunsAgainstReferences() throws {
        let x = try Tensor<Double>.randomNormal(shape: [4, 4], seed: 2)
        let references = try Tensor<Double>.randomNormal(shape: [6, 4], seed: 3)
        let (labels, referenceLabels) = ([0, 1, 2, 0], [0, 0, 1, 1, 2, 2])
        let loss = SmoothContrastiveLoss<Double>(negativeMargin: 1.2)
        let result = try loss.valueWithGradients(embeddings: x, labels: labels, references: references, referenceLabels: referenceLabels)
        #expect(result.value > 0 && result.embeddingsGradient.shape == [4, 4] && result.referencesGradient.shape == [6, 4])
        expectGradientsMatchFiniteDifferences(at: [x, references]) { v in
            try loss(v[0], labels: labels, references: v[1], referenceLabels: referenceLabels)
        }
    }

    @Test func theLossRunsUnderCrossBatchMemory() throws {
        let labels = [0, 0, 1, 1, 2, 2, 3, 3]
        let loss = SmoothContrastiveLoss<Double>(negativeMargin: 1.2)
        var plain = CrossBatchMemory<Double>(loss: loss, memorySize: 24)
        var mined = CrossBatchMemory<Double>(loss: loss, miner: PairMarginMiner(positiveMargin: 0.2, negativeMargin: 0.9), memorySize: 24)
        var previous: Tensor<Double>? = nil
        for seed in 1...4 {
            let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: UInt64(seed))
            let (value, gradient) = try plain.valueWithGradient(embeddings: x, labels: labels)
            #expect(value > 0 && gradient.shape == [8, 4] && gradient.isFinite)
            let (minedValue, minedGradient) = try mined.valueWithGradient(embeddings: x, labels: labels)
            #expect(minedValue.isFinite && minedGradient.isFinite)
            // The second call sees this batch and the one before it, the batch first.
            if seed == 2, let previous {
                let references = try Tensor<Double>(shape: [16, 4], scalars: x.scalars + previous.scalars)
                let expected = try loss(BatchInputs(embeddings: Variable(x), labels: labels, references: Variable(references),
                                                    referenceLabels: labels + labels, selfOffset: 0), tuples: nil)
                #expect(Swift.abs(value - expected.value.scalars[0]) <= 1e-12)
            }
            previous = x
        }
        #expect(plain.memory.count == 24 && mined.memory.count == 24)
    }

    @Test func aBatchWithoutPairsGivesZero() throws {
        let x = try Tensor<Double>.randomNormal(shape: [1, 4], seed: 4)
        let (value, gradient) = try SmoothContrastiveLoss<Double>().valueWithGradient(embeddings: x, labels: [0])
        #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 })
    }
}

// MARK: - The article's pair loss

/// Positive pairs pay d², negative pairs relu(m − d)², each side reduced on its own.
struct SquaredContrastiveLoss<Scalar: TensorScalar>: PairLoss {
    var margin: Scalar = 1
    var distance: any Distance<Scalar> = EuclideanDistance<Scalar>()
    var reducer: any Reducer<Scalar> = MeanReducer<Scalar>()

    func checkHyperparameters() throws {
        try BatchValidation.require(margin > 0, "margin", margin, "must be positive")
    }

    func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        let (positive, negative) = pairs.pairs()
        let dp = inputs.values(distance, rows: positive.map { Int($0.anchor) }, columns: positive.map { Int($0.other) })
        let dn = inputs.values(distance, rows: negative.map { Int($0.anchor) }, columns: negative.map { Int($0.other) })
        return reducer.reduce(dp.squared()) + reducer.reduce((margin - dn).relu().squared())
    }
}

@Suite("Documentation: a pair loss written outside the package")
struct PairLossExampleTests {
    @Test func itsGradientMatchesFiniteDifferencesAndItRunsAgainstReferences() throws {
        let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: 5)
        let labels = [0, 0, 1, 1, 2, 2, 3, 3]
        let loss = SquaredContrastiveLoss<Double>(margin: 2.5)
        #expect(try loss.value(embeddings: x, labels: labels) > 0)
        expectGradientsMatchFiniteDifferences(of: loss, embeddings: x, labels: labels)
        let references = try Tensor<Double>.randomNormal(shape: [6, 4], seed: 6)
        expectGradientsMatchFiniteDifferences(at: [x, references]) { v in
            try loss(v[0], labels: labels, references: v[1], referenceLabels: [0, 1, 2, 3, 0, 1])
        }
    }

    @Test func theProtocolGivesZeroForOnePairOfEachKindAndChecksTheMargin() throws {
        // Labels [0, 0, 1] listed as one positive and one negative pair: PML's zero loss.
        let x = try Tensor<Double>.randomNormal(shape: [3, 4], seed: 7)
        let tuples = MinedTuples.pairs(positive: [IndexPair(anchor: 0, other: 1)], negative: [IndexPair(anchor: 0, other: 2)])
        let (value, gradient) = try SquaredContrastiveLoss<Double>().valueWithGradient(embeddings: x, labels: [0, 0, 1], tuples: tuples)
        #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 })
        #expect(try SquaredContrastiveLoss<Double>().value(embeddings: x, labels: [0, 0, 1]) > 0)
        #expect(throws: MetricLearningError.self) { try SquaredContrastiveLoss<Double>(margin: -1).value(embeddings: x, labels: [0, 0, 1]) }
    }
}

// MARK: - The README's first example

@Suite("Documentation: README")
struct ReadmeExampleTests {
    @Test func theFirstExampleHasALossAboveZero() throws {
        // --- README ---
        let embeddings = try Tensor<Float>(shape: [6, 2], scalars: [
            0.9, 0.1,   0.5, 0.7,   0.2, 0.9,
            0.8, 0.5,  -0.9, 0.2,   0.4, -0.8,
        ])
        let labels = [0, 0, 1, 1, 2, 2]

        // Mine triplets, then the loss over them: a value and ∂loss/∂embeddings.
        let miner = TripletMarginMiner<Float>(margin: 0.2, type: .semihard)
        let loss = TripletMarginLoss<Float>(margin: 0.2)
        let tuples = try miner.mine(embeddings, labels: labels)
        let (value, gradient) = try loss.valueWithGradient(embeddings: embeddings, labels: labels, tuples: tuples)
        // 3 semi-hard triplets, value ≈ 0.103, gradient of shape [6, 2]

        // The same in one call: the loss selects the miner's triplets from its own distances.
        let fused = try loss.valueWithGradient(embeddings: embeddings, labels: labels, minedBy: miner)
        // --- end ---
        print("README example: \(tuples.count) triplets, loss \(value), fused \(fused.value), gradient \(gradient.scalars)")
        #expect(tuples.count == 3 && value > 0.1 && value < 0.11 && gradient.shape == [6, 2])
        #expect(Swift.abs(fused.value - value) <= 1e-6)
    }
}
