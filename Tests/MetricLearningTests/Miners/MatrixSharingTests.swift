import Testing
import MetricLearning

/// A miner hands the loss after it the matrix it mined from (`MatrixSharingMiner`,
/// `MinedMatrix`), written as a consumer would: plain `import MetricLearning`.
@Suite("A miner's matrix, read by the loss after it")
struct MatrixSharingTests {
    static let x: Tensor<Double> = randomMatrix(6, 4, seed: 71)
    static let labels = [0, 0, 1, 1, 2, 2]

    /// Hands on the pairs it is given with the distances plus one: a loss that reads the
    /// matrix, rather than computing its own, is off by exactly that one.
    struct MarkedMatrixMiner: MatrixSharingMiner {
        let pairs: [IndexPair]
        func mineSharingMatrix(_ inputs: BatchInputs<Double>) throws -> MiningResult<Double> {
            let distance = EuclideanDistance<Double>()
            let marked = try inputs.valueMatrix(distance).map { $0 + 1 }
            return MiningResult(tuples: .pairs(positive: pairs, negative: []), matrix: MinedMatrix(marked, of: distance, inputs: inputs))
        }
    }

    /// Contrastive terms d − 0 over the positive pairs only (negative margin 0), averaged.
    static let loss = ContrastiveLoss<Double>(positiveMargin: 0, negativeMargin: 0, reducer: MeanReducer())

    /// Pairs many enough for the loss to take the whole matrix.
    static let manyPairs = [(0, 1), (1, 0), (2, 3), (3, 2), (4, 5), (5, 4), (0, 0), (1, 1), (2, 2), (3, 3)]
        .map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }

    @Test(arguments: [
        // Many pairs: the loss reads the miner's matrix (off by the one the miner added).
        (manyPairs, 1.0),
        // Few: it computes them one by one, as it would without the matrix (read from it, they
        // would differ from its own in the last bits, which a hinge can turn into more).
        ([IndexPair(anchor: 0, other: 1), IndexPair(anchor: 2, other: 3)], 0.0),
    ])
    func theLossReadsTheMinersMatrixNotItsPairs(pairs: [IndexPair], offset: Double) throws {
        let miner = MarkedMatrixMiner(pairs: pairs)
        let read = try Self.loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, minedBy: miner).value
        let computed = try Self.loss.value(embeddings: Self.x, labels: Self.labels, tuples: try miner.mine(Self.x, labels: Self.labels))
        #expect(abs(read - (computed + offset)) < 1e-12, "read \(read), computed \(computed)")
    }

    /// At a hinge the shared matrix changes nothing either. References 10⁻²⁰ in size normalise to
    /// near-zero rows, so every distance is 1 within an ulp, which is `MarginLoss`'s hinge
    /// β − margin: a value read from the matrix instead of computed pair by pair, one ulp off,
    /// would switch a term on and change the count the loss divides by (found by `metric-fuzz`).
    @Test(arguments: [true, false])
    func miningThenReducingGivesBitwiseTheSameAtAHinge(batchHard: Bool) throws {
        let loss = MarginLoss<Float>()
        let miner: any Miner<Float> = batchHard ? BatchHardMiner<Float>() : PairMarginMiner<Float>(positiveMargin: 0.5, negativeMargin: 1.2)
        for seed in 0..<8 {
            let x: Tensor<Float> = randomMatrix(32, 20, seed: UInt64(100 + seed))
            let references: Tensor<Float> = randomMatrix(2, 20, seed: UInt64(200 + seed)) * 1e-20
            let labels = Array(0..<32), referenceLabels = [8, 31]
            func inputs(_ v: [Variable<Float>]) -> BatchInputs<Float> {
                BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: referenceLabels)
            }
            let mined = try valueWithGradient(at: [x, references]) { try loss(inputs($0), minedBy: miner) }
            let listed = try valueWithGradient(at: [x, references]) { try loss(inputs($0), tuples: try miner.mine(inputs($0))) }
            #expect(mined.value.bitPattern == listed.value.bitPattern, "seed \(seed): minedBy \(mined.value), listed \(listed.value)")
            let sameGradients = mined.gradient.map { $0.scalars.map(\.bitPattern) } == listed.gradient.map { $0.scalars.map(\.bitPattern) }
            #expect(sameGradients, "seed \(seed): the gradients differ")
        }
    }

    @Test func otherRowsOrAnotherMatrixIgnoreIt() throws {
        let pairs = Self.manyPairs
        let inputs = BatchInputs(embeddings: Self.x, labels: Self.labels)
        let plain = try Self.loss(inputs, tuples: .pairs(positive: pairs, negative: [])).value.scalars[0]
        let marked = try MarkedMatrixMiner(pairs: pairs).mineSharingMatrix(inputs).matrix

        // The matrix of another batch of the same shape.
        var other = BatchInputs(embeddings: Self.x * 2, labels: Self.labels)
        other.minedMatrix = marked
        let otherPlain = try Self.loss(BatchInputs(embeddings: Self.x * 2, labels: Self.labels), tuples: .pairs(positive: pairs, negative: []))
        #expect(try Self.loss(other, tuples: .pairs(positive: pairs, negative: [])).value == otherPlain.value)

        // This batch, but a loss under another distance (dot products) or normalisation.
        var same = inputs
        same.minedMatrix = marked
        for distance in [DotProductSimilarity<Double>(), EuclideanDistance(normalizesEmbeddings: false)] as [any Distance<Double>] {
            let loss = ContrastiveLoss<Double>(positiveMargin: 0, negativeMargin: 0, distance: distance, reducer: MeanReducer())
            #expect(try loss(same, tuples: .pairs(positive: pairs, negative: [])).value == loss(inputs, tuples: .pairs(positive: pairs, negative: [])).value)
        }
        #expect(try Self.loss(same, tuples: .pairs(positive: pairs, negative: [])).value.scalars[0] > plain + 0.5)
    }

    @Test func onlyAKnownKernelIsHandedOn() throws {
        let inputs = BatchInputs(embeddings: Self.x, labels: Self.labels)
        let cubic = LpDistance<Double>(p: 3)
        #expect(MinedMatrix(try inputs.valueMatrix(cubic), of: cubic, inputs: inputs) == nil)
        #expect(try PairMarginMiner<Double>(distance: cubic).mineSharingMatrix(inputs).matrix == nil)
        // The library's miners hand on what they computed: PairMarginMiner compares squared distances.
        let handed = try #require(try PairMarginMiner<Double>().mineSharingMatrix(inputs).matrix)
        #expect(handed.kernel == .euclidean(squared: true) && handed.normalizesEmbeddings)
        #expect(handed.values == (try inputs.valueMatrix(EuclideanDistance<Double>(squared: true))))
        // A matrix of the wrong shape is not one of these inputs.
        #expect(MinedMatrix(try Tensor<Double>.zeros(shape: [6, 5]), of: EuclideanDistance<Double>(), inputs: inputs) == nil)
    }

    @Test func seededMinersHandOnTheirsWithTheSameDraws() throws {
        let x: Tensor<Double> = randomMatrix(12, 4, seed: 73)
        let labels = (0..<12).map { $0 % 3 }
        let inputs = BatchInputs(embeddings: x, labels: labels)
        let miners: [(any SeededMiner<Double>, DistanceKernel)] = [
            (DistanceWeightedMiner<Double>(cutoff: 0.1, nonzeroLossCutoff: 2, seed: 5), .euclidean(squared: true)),
            (UniformHistogramMiner<Double>(binCount: 4, positivesPerBin: 2, negativesPerBin: 2, seed: 5), .euclidean(squared: false)),
        ]
        for (miner, kernel) in miners {
            let shared = try miner.mineSharingMatrix(inputs)
            #expect(shared.tuples == (try miner.mine(inputs)) && !shared.tuples.isEmpty, "\(miner)")
            #expect(shared.matrix?.kernel == kernel, "\(miner)")
            // A generator the caller advances draws the same as the seed's own.
            var generator = SeededRandomGenerator(seed: 5)
            #expect(try miner.mineSharingMatrix(inputs, using: &generator).tuples == shared.tuples, "\(miner)")
        }
    }

    @Test func aCrossBatchMemoryLossReadsItToo() throws {
        // Anchors against separate references: the matrix is [N, M] and both gradients flow.
        let references: Tensor<Double> = randomMatrix(9, 4, seed: 72)
        let referenceLabels = (0..<9).map { $0 % 3 }
        let miner = PairMarginMiner<Double>(positiveMargin: 0, negativeMargin: 2)
        let loss = ContrastiveLoss<Double>()
        let (value, gradients) = try valueWithGradient(at: [Self.x, references]) { v in
            try loss(BatchInputs(embeddings: v[0], labels: Self.labels, references: v[1], referenceLabels: referenceLabels), minedBy: miner)
        }
        let tuples = try miner.mine(Self.x, labels: Self.labels, references: references, referenceLabels: referenceLabels)
        let listed = try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: references,
                                                 referenceLabels: referenceLabels, tuples: tuples)
        expectClose([value], [listed.value], atol: 1e-12, rtol: 1e-10)
        expectClose(gradients[0].scalars, listed.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10)
        expectClose(gradients[1].scalars, listed.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10)
        #expect(value > 0)
    }
}
