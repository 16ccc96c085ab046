import Testing
import MetricLearning
import MetricLearningRegistry
import MetricLearningTesting
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites and the PML cases do not check of `VICRegLoss` and
/// `SelfSupervisedLoss`: VICReg's formula written out (sub-losses, N = 1, constant views),
/// the wrapper's two forms written out with the wrapped loss, bad hyperparameters, views of
/// other shapes, tuples, and the PML builders.
@Suite("VICReg and self-supervised losses")
struct SelfSupervisedTests {
    static let z: Tensor<Double> = randomMatrix(8, 5, seed: 121)
    static let r: Tensor<Double> = try! z + randomMatrix(8, 5, seed: 122, scale: 0.3)

    /// VICReg in plain loops, from PML's `vicreg_loss.py` (unbiased variances, divisor max(N − 1, 1)).
    static func vicreg(_ z: Tensor<Double>, _ r: Tensor<Double>, lambda: Double = 25, mu: Double = 25, nu: Double = 1, eps: Double = 1e-4) -> Double {
        let (n, d) = (z.shape[0], z.shape[1])
        var invariance = 0.0
        for i in 0..<n { for j in 0..<d { invariance += (z[i, j] - r[i, j]) * (z[i, j] - r[i, j]) } }
        func view(_ v: Tensor<Double>) -> (variance: Double, covariance: Double) {
            let means = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + v[$1, j] } / Double(n) }
            var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for j in 0..<d { for k in 0..<d {
                for i in 0..<n { c[j][k] += (v[i, j] - means[j]) * (v[i, k] - means[k]) }
                c[j][k] /= Double(Swift.max(n - 1, 1))
            } }
            let variance = (0..<d).reduce(0.0) { $0 + Swift.max(0, 1 - (c[$1][$1] + eps).squareRoot()) / 2 } / Double(d)
            var offDiagonal = 0.0
            for j in 0..<d { for k in 0..<d where j != k { offDiagonal += c[j][k] * c[j][k] } }
            return (variance, offDiagonal / Double(d))
        }
        let (a, b) = (view(z), view(r))
        return lambda * invariance / Double(n * d) + mu * (a.variance + b.variance) + nu * (a.covariance + b.covariance)
    }

    static func items(_ n: Int) -> [Int] { Array(0..<n) }

    @Test func vicregIsItsFormula() throws {
        let custom = VICRegLoss<Double>(invarianceWeight: 2, varianceWeight: 3, covarianceWeight: 0.5, epsilon: 1e-2)
        for (n, d, seed) in [(8, 5, 1), (16, 6, 2), (3, 7, 3), (1, 4, 4)] as [(Int, Int, UInt64)] {
            let z: Tensor<Double> = randomMatrix(n, d, seed: seed, scale: 0.7)
            let r: Tensor<Double> = randomMatrix(n, d, seed: seed + 10, scale: 0.7)
            let value = try VICRegLoss<Double>().valueWithGradients(embeddings: z, references: r).value
            expectClose([value], [Self.vicreg(z, r)], atol: 1e-12, rtol: 1e-12, "N = \(n)")
            let customValue = try custom.valueWithGradients(embeddings: z, references: r).value
            expectClose([customValue], [Self.vicreg(z, r, lambda: 2, mu: 3, nu: 0.5, eps: 1e-2)], atol: 1e-12, rtol: 1e-12, "N = \(n), custom")
            for loss in [VICRegLoss<Double>(), custom] {
                let report = try checkGradients(at: [z, r]) { try loss($0[0], references: $0[1]) }
                #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "N = \(n): \(report)")
            }
        }
    }

    /// PML's sub-losses by name: the invariance per item and each view's variance per feature,
    /// without labels; the covariance is already reduced.
    @Test func vicregHandsItsSubLossesToTheReducer() throws {
        let loss = VICRegLoss<Double>(reducer: DoNothingReducer())
        let (_, terms) = try DoNothingReducer<Double>.recording { try loss(Variable(Self.z), references: Variable(Self.r)).checked() }
        #expect(terms.map(\.name) == ["invariance_loss", "variance_loss1", "variance_loss2"])
        #expect(terms.map(\.count) == [8, 5, 5] && terms.allSatisfy { $0.kind == .element && $0.labels.isEmpty })
        // Sums of the first two, the mean (the default) of the third: λ·Σ s, μ·Σ v(Z), μ·mean v(Z′).
        let mixed = VICRegLoss<Double>(reducer: MultipleReducers(["invariance_loss": SumReducer(), "variance_loss1": SumReducer()]))
        let onlyCovariance = Self.vicreg(Self.z, Self.r, lambda: 0, mu: 0)
        let invariance = Self.vicreg(Self.z, Self.r, mu: 0, nu: 0), firstVariance = Self.vicreg(Self.z, Self.z, lambda: 0, nu: 0) / 2
        let secondVariance = Self.vicreg(Self.r, Self.r, lambda: 0, nu: 0) / 2
        expectClose([try mixed.valueWithGradients(embeddings: Self.z, references: Self.r).value],
                    [8 * invariance + 5 * firstVariance + secondVariance + onlyCovariance], atol: 1e-12, rtol: 1e-12)
        // A reducer that weighs terms by class has no labels to read.
        DegenerateAndBadInputTests.expectError(.invalidLabels, mentioning: "no labels") {
            _ = try VICRegLoss<Double>(reducer: ClassWeightedReducer(weights: [1, 2])).valueWithGradients(embeddings: Self.z, references: Self.r)
        }
    }

    /// The labels of the general form are counted, never read; the batch alone is its own second view.
    @Test func labelsAreNotRead() throws {
        for loss in [VICRegLoss<Double>(), SelfSupervisedLoss(NTXentLoss<Double>())] as [any PairedViewsLoss<Double>] {
            let paired = try loss.valueWithGradients(embeddings: Self.z, references: Self.r)
            let labelled = try loss.valueWithGradients(embeddings: Self.z, labels: [4, 4, 4, 1, 1, 9, 0, 2], references: Self.r,
                                                       referenceLabels: [7, 7, 7, 7, 7, 7, 7, 7])
            #expect(paired.value == labelled.value && paired.embeddingsGradient == labelled.embeddingsGradient
                    && paired.referencesGradient == labelled.referencesGradient, "\(type(of: loss))")
            let alone = try loss.valueWithGradient(embeddings: Self.z, labels: [0, 0, 0, 0, 1, 1, 1, 1])
            expectClose([alone.value], [try loss.valueWithGradients(embeddings: Self.z, references: Self.z).value], atol: 1e-12, rtol: 1e-12)
        }
        expectClose([try VICRegLoss<Double>().valueWithGradient(embeddings: Self.z, labels: Self.items(8)).value],
                    [Self.vicreg(Self.z, Self.z)], atol: 1e-12, rtol: 1e-12)
    }

    @Test func badHyperparametersThrow() {
        let cases: [(String, any MetricLoss<Double>)] = [
            ("invarianceWeight = -1.0", VICRegLoss(invarianceWeight: -1)),
            ("varianceWeight = nan", VICRegLoss(varianceWeight: .nan)),
            ("covarianceWeight = inf", VICRegLoss(covarianceWeight: .infinity)),
            ("epsilon = -0.001", VICRegLoss(epsilon: -1e-3)),
            ("temperature = 0.0", SelfSupervisedLoss(NTXentLoss(temperature: 0))),
            ("margin = nan", SelfSupervisedLoss(TripletMarginLoss(margin: .nan), symmetric: false)),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try loss.valueWithGradients(embeddings: Self.z, labels: Self.items(8), references: Self.r, referenceLabels: Self.items(8))
            }
        }
    }

    /// Views must have one row per item each and one width; no tuples, so no miner.
    @Test func viewsOfOtherShapesAndTuplesThrow() throws {
        let losses: [any PairedViewsLoss<Double>] = [VICRegLoss(), SelfSupervisedLoss(NTXentLoss()),
                                                     SelfSupervisedLoss(TripletMarginLoss(), symmetric: false)]
        let (fewer, narrower): (Tensor<Double>, Tensor<Double>) = (randomMatrix(5, 5, seed: 3), randomMatrix(8, 4, seed: 4))
        var bad = Self.r
        bad[2, 3] = .nan
        for loss in losses {
            DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "8 rows but the references 5") {
                _ = try loss.valueWithGradients(embeddings: Self.z, references: fewer)
            }
            DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "8 rows but the references 5") {
                _ = try loss.valueWithGradients(embeddings: Self.z, labels: Self.items(8), references: fewer, referenceLabels: Self.items(5))
            }
            DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "width 5 but references 4") {
                _ = try loss.valueWithGradients(embeddings: Self.z, references: narrower)
            }
            DegenerateAndBadInputTests.expectError(.nonFiniteInput, mentioning: "[2, 3]") { _ = try loss.valueWithGradients(embeddings: Self.z, references: bad) }
            DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "no mined tuples") {
                _ = try loss.valueWithGradient(embeddings: Self.z, labels: Self.items(8), tuples: .triplets([]))
            }
            DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "no mined tuples") {
                _ = try loss.valueWithGradient(embeddings: Self.z, labels: [0, 0, 1, 1, 2, 2, 3, 3], minedBy: BatchHardMiner())
            }
        }
    }

    /// One item, and views whose rows are all one vector (a mean that is not exact in binary):
    /// finite; VICReg's constant views give exactly its variance hinge at its top, no gradient.
    @Test func oneItemAndConstantViewsAreFinite() throws {
        let one = try Tensor<Double>(shape: [1, 3], scalars: [0.1, -0.3, 0.7]), other = try Tensor<Double>(shape: [1, 3], scalars: [0.2, 0.3, -0.1])
        let constant = try Tensor<Double>(shape: [6, 3], scalars: Array((0..<6).map { _ in [0.1, -0.3, 0.7] }.joined()))
        let losses: [any PairedViewsLoss<Double>] = [VICRegLoss(), SelfSupervisedLoss(NTXentLoss()),
                                                     SelfSupervisedLoss(TripletMarginLoss(margin: 0.2), symmetric: false)]
        for loss in losses {
            for (z, r) in [(one, other), (one, one), (constant, constant), (constant, constant * 2)] {
                let g = try loss.valueWithGradients(embeddings: z, references: r)
                #expect(g.value.isFinite && g.embeddingsGradient.isFinite && g.referencesGradient.isFinite, "\(type(of: loss)), N = \(z.shape[0])")
            }
        }
        let vicreg = try VICRegLoss<Double>().valueWithGradients(embeddings: constant, references: constant)
        expectClose([vicreg.value], [25 * (1 - (1e-4 as Double).squareRoot())], atol: 1e-12, rtol: 1e-12)
        #expect((vicreg.embeddingsGradient.scalars + vicreg.referencesGradient.scalars).allSatisfy { $0 == 0 })
        expectClose([try VICRegLoss<Double>().valueWithGradients(embeddings: one, references: other).value],
                    [Self.vicreg(one, other)], atol: 1e-12, rtol: 1e-12, "N = 1")
        // One item of two views: the symmetric NT-Xent has a positive pair but no negative (PML's 0).
        let ntxent = try SelfSupervisedLoss(NTXentLoss<Double>()).valueWithGradients(embeddings: one, references: other)
        #expect(ntxent.value == 0 && ntxent.embeddingsGradient.scalars.allSatisfy { $0 == 0 })
    }

    /// Symmetric: the wrapped loss over [embeddings; references] with labels [0..<N, 0..<N].
    @Test func symmetricIsTheWrappedLossOverBothViews() throws {
        let both = try Tensor<Double>(shape: [16, 5], scalars: Self.z.scalars + Self.r.scalars)
        let wrapped: [any MetricLoss<Double>] = [NTXentLoss(temperature: 0.2), SupConLoss(), ContrastiveLoss(), TripletMarginLoss(margin: 0.4)]
        func symmetric<Loss: MetricLoss>(_ loss: Loss) -> any MetricLoss<Double> where Loss.Scalar == Double { SelfSupervisedLoss(loss) }
        for inner in wrapped {
            let direct = try inner.valueWithGradient(embeddings: both, labels: Self.items(8) + Self.items(8))
            let r = try symmetric(inner).valueWithGradients(embeddings: Self.z, labels: Self.items(8),
                                                                                               references: Self.r, referenceLabels: Self.items(8))
            let what = "\(type(of: inner))"
            expectClose([r.value], [direct.value], atol: 1e-14, rtol: 1e-12, what)
            expectClose(r.embeddingsGradient.scalars + r.referencesGradient.scalars, direct.gradient.scalars, atol: 1e-14, rtol: 1e-12, what)
        }
    }

    /// Asymmetric: the wrapped loss of the embeddings against the references, both labelled
    /// 0..<N, so reference i is anchor i's one positive (never dropped as the anchor itself);
    /// and the triplet form written out in full.
    @Test func asymmetricIsTheWrappedLossAgainstTheReferences() throws {
        let triplet = TripletMarginLoss<Double>(margin: 0.5)
        let wrapper = SelfSupervisedLoss(triplet, symmetric: false)
        let r = try wrapper.valueWithGradients(embeddings: Self.z, references: Self.r)
        let direct = try triplet.valueWithGradients(embeddings: Self.z, labels: Self.items(8), references: Self.r, referenceLabels: Self.items(8))
        #expect(r.value == direct.value && r.embeddingsGradient == direct.embeddingsGradient && r.referencesGradient == direct.referencesGradient)
        // relu(d(zᵢ, rᵢ) − d(zᵢ, rⱼ) + m) over j ≠ i, normalised rows, the mean of the non-zero terms.
        let (zn, rn) = (try Self.z.normalizedRows(), try Self.r.normalizedRows())
        func d(_ i: Int, _ j: Int) -> Double { (0..<5).reduce(0.0) { $0 + (zn[i, $1] - rn[j, $1]) * (zn[i, $1] - rn[j, $1]) }.squareRoot() }
        let terms = (0..<8).flatMap { i in (0..<8).filter { $0 != i }.map { j in Swift.max(0, d(i, i) - d(i, j) + 0.5) } }.filter { $0 > 0 }
        #expect(!terms.isEmpty)
        expectClose([r.value], [terms.reduce(0, +) / Double(terms.count)], atol: 1e-12, rtol: 1e-12)
        #expect(r.referencesGradient.scalars.contains { $0 != 0 })
        // One view as both: each anchor's positive is itself, at distance 0.
        let same = try wrapper.valueWithGradients(embeddings: Self.z, references: Self.z).value
        let sameDirect = try triplet.valueWithGradients(embeddings: Self.z, labels: Self.items(8), references: Self.z, referenceLabels: Self.items(8)).value
        expectClose([same], [sameDirect], atol: 1e-14, rtol: 1e-12)
    }

    @Test func pmlBuildersReadTheirArguments() throws {
        func build(_ className: String, _ kwargs: [String: JSONValue]) throws -> any MetricLoss<Double> {
            try Registry.metricLoss(pml: PMLObject(className: className, kwargs: KeywordArguments(kwargs)))
        }
        let asymmetric = try build("SelfSupervisedLoss", ["loss": ["class": "TripletMarginLoss", "kwargs": ["margin": 0.2]], "symmetric": false])
        let wrapped = try #require(asymmetric as? SelfSupervisedLoss<TripletMarginLoss<Double>>)
        #expect(!wrapped.symmetric && wrapped.loss.margin == 0.2)
        let symmetric = try #require(try build("SelfSupervisedLoss", ["loss": ["class": "NTXentLoss", "kwargs": [:]]]) as? SelfSupervisedLoss<NTXentLoss<Double>>)
        #expect(symmetric.symmetric && symmetric.loss.temperature == 0.07)
        #expect(throws: PMLUnsupported.self) { try build("SelfSupervisedLoss", [:]) }
        #expect(throws: PMLUnsupported.self) { try build("SelfSupervisedLoss", ["loss": ["class": "NoSuchLoss", "kwargs": [:]]]) }
        #expect(throws: PMLUnsupported.self) { try build("SelfSupervisedLoss", ["loss": ["class": "NTXentLoss", "kwargs": ["unknown": 1]]]) }
        let vicreg = try #require(try build("VICRegLoss", ["invariance_lambda": 2, "variance_mu": 3, "covariance_v": 0.5, "eps": 0.01]) as? VICRegLoss<Double>)
        #expect(vicreg.invarianceWeight == 2 && vicreg.varianceWeight == 3 && vicreg.covarianceWeight == 0.5 && vicreg.epsilon == 0.01)
        #expect(throws: PMLUnsupported.self) { try build("VICRegLoss", ["distance": ["class": "CosineSimilarity", "kwargs": [:]]]) }
    }
}
