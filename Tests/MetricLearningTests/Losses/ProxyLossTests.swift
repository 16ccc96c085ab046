import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// Proxy and centre losses (ProxyNCA, ProxyAnchor, SoftTriple, P2SGrad, Manifold): what they
/// hand their reducers, PML's layouts and initialisations, the rows PML leaves out, the
/// detached rescaling of P2SGrad, meta-classes, and their errors. The registry suites cover
/// their gradients, degenerate batches and bad input.
@Suite("Proxy losses")
struct ProxyLossTests {
    static let x: Tensor<Double> = randomMatrix(10, 4, seed: 81)
    static let labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]

    /// The terms `body` hands a `DoNothingReducer`, and its value.
    static func recorded(_ body: () throws -> Variable<Double>) throws -> (value: Double, terms: [LossTerms<Double>]) {
        let (value, terms) = try DoNothingReducer<Double>.recording(body)
        return (try value.checked().value.scalars[0], terms)
    }

    @Test func termsComeWithPMLContext() throws {
        let proxies: Tensor<Double> = randomMatrix(5, 4, seed: 82)
        let nca = try Self.recorded { try ProxyNCALoss(reducer: DoNothingReducer())(Variable(Self.x), weights: Variable(proxies), labels: Self.labels) }
        #expect(nca.terms.map(\.name) == ["loss"] && nca.terms[0].kind == .element && nca.terms[0].count == 10 && nca.terms[0].labels == Self.labels)
        // Proxy-anchor: one positive and one negative term per proxy, with PML's divisors.
        let anchor = try Self.recorded { try ProxyAnchorLoss(reducer: DoNothingReducer())(Variable(Self.x), weights: Variable(proxies), labels: Self.labels) }
        #expect(anchor.terms.map(\.name) == ["pos_loss", "neg_loss"] && anchor.terms.map(\.count) == [5, 5])
        #expect(anchor.terms.map(\.divisor) == [3, 5] && anchor.terms.allSatisfy { $0.kind == .element && $0.labels == Self.labels })
        let sums = anchor.terms.map { $0.values.value.scalars.reduce(0, +) }
        let positives = anchor.terms[0].values.value.scalars
        #expect(positives[3] == 0 && positives[4] == 0, "proxies without samples have no positive term")
        let value = try ProxyAnchorLoss<Double>().valueWithGradient(embeddings: Self.x, weights: proxies, labels: Self.labels).value
        expectClose([value], [sums[0] / 3 + sums[1] / 5], atol: 1e-12, rtol: 1e-12, "DivisorReducer: Σ pos / 3 + Σ neg / 5")
        let centres = try SoftTripleLoss<Double>(centersPerClass: 2).initialWeights(classCount: 3, embeddingSize: 4, seed: 83)
        let soft = try Self.recorded { try SoftTripleLoss(centersPerClass: 2, reducer: DoNothingReducer())(Variable(Self.x), weights: Variable(centres), labels: Self.labels) }
        #expect(soft.terms.map(\.name) == ["loss"] && soft.terms[0].kind == .element && soft.terms[0].count == 10)
    }

    /// Proxy-anchor with classes that have no samples: PML's divisor counts only proxies with
    /// positives, and the gradient still matches finite differences.
    @Test func proxyAnchorWithEmptyClasses() throws {
        let loss = ProxyAnchorLoss<Double>(alpha: 8)
        let proxies = try loss.initialWeights(classCount: 6, embeddingSize: 4, seed: 84)
        try expectGradientsMatch([Self.x, proxies]) { try loss($0[0], weights: $0[1], labels: Self.labels) }
        try expectGradientsMatch([Self.x, proxies]) { try ProxyAnchorLoss(margin: 0.3, alpha: 4, distance: EuclideanDistance())($0[0], weights: $0[1], labels: Self.labels) }
    }

    /// A sample whose softmax probability of its own proxy underflows to 0 gets no term, as
    /// PML's `exp != 0` filter; the rest are unchanged and the gradient stays finite.
    @Test func proxyNCALeavesOutUnderflowingRows() throws {
        let x = try Tensor<Double>(shape: [3, 2], scalars: [1, 0, 0, 1, -1, 0])
        let proxies = try Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 1])
        let labels = [0, 1, 0]
        let loss = ProxyNCALoss<Double>(softmaxScale: 1000, reducer: DoNothingReducer())
        let (_, terms) = try Self.recorded { try loss(Variable(x), weights: Variable(proxies), labels: labels) }
        #expect(terms[0].anchors == [0, 1], "row 2 (its own proxy at squared distance 4, the other at 2) is left out")
        let r = try ProxyNCALoss<Double>(softmaxScale: 1000).valueWithGradient(embeddings: x, weights: proxies, labels: labels)
        #expect(r.value.isFinite && r.embeddingsGradient.isFinite && r.weightsGradient.isFinite)
    }

    /// P2SGrad's gradient is that of the loss with the rescaled weights held as they are: the
    /// embeddings' gradient is the full one, the weights' that of the formula at Ŵ.
    @Test func p2sgradRescalingTakesNoPartInTheGradient() throws {
        let w: Tensor<Double> = randomMatrix(4, 3, seed: 85, scale: 3)
        let unit = P2SGradLoss<Double>.rescaled(w)
        let norms = try unit.transposed().rowNorms().scalars
        #expect(norms.allSatisfy { Swift.abs($0 - 1) < 1e-6 }, "\(norms)")
        let labels = Self.labels.map { $0 % 3 }
        let r = try P2SGradLoss<Double>().valueWithGradient(embeddings: Self.x, weights: w, labels: labels)
        let formula = { (v: [Variable<Double>]) throws -> Variable<Double> in
            let cosines = matmul(v[0].normalizedRows(), v[1]).clamped(lower: -1, upper: 1)
            return (cosines - Variable(ClassifierValidation.oneHot(labels, classes: 3))).squared().mean()
        }
        let (value, gradients) = try valueWithGradient(at: [Self.x, unit], in: formula)
        expectClose([r.value], [value], atol: 1e-14, rtol: 1e-12, "the loss of Ŵ")
        expectClose(r.embeddingsGradient.scalars, gradients[0].scalars, atol: 1e-14, rtol: 1e-10, "embeddings")
        expectClose(r.weightsGradient.scalars, gradients[1].scalars, atol: 1e-14, rtol: 1e-10, "weights: ∂L/∂Ŵ")
        try expectGradientsMatch([Self.x, unit], formula)
        let initial = try P2SGradLoss<Double>().initialWeights(classCount: 7, embeddingSize: 5, seed: 86)
        let initialNorms = try initial.transposed().rowNorms().scalars
        #expect(initial.shape == [5, 7] && initialNorms.allSatisfy { Swift.abs($0 - 1) < 1e-6 })
    }

    /// Meta-classes as PML draws them; the context loss enters linearly with its weight λ_C.
    @Test func manifoldMetaClassesAndContextWeight() throws {
        let meta = try ManifoldLoss<Double>.randomMetaClasses(count: 10, proxyCount: 4, seed: 87)
        let again = try ManifoldLoss<Double>.randomMetaClasses(count: 10, proxyCount: 4, seed: 87)
        #expect(Set(meta) == Set(0..<4) && meta.count == 10 && meta == again)
        let proxies = try ManifoldLoss<Double>().initialWeights(classCount: 4, embeddingSize: 4, seed: 88)
        let values = try [0.0, 1, 2].map { try ManifoldLoss<Double>(contextWeight: $0).valueWithGradient(embeddings: Self.x, weights: proxies, labels: meta).value }
        expectClose([values[2] - values[1]], [values[1] - values[0]], atol: 1e-12, rtol: 1e-9, "λ_C · context")
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "proxyCount = 11") {
            _ = try ManifoldLoss<Double>.randomMetaClasses(count: 10, proxyCount: 11, seed: 1)
        }
    }

    /// PML's layouts and initialisations: proxies `[C, D]`, SoftTriple's centres `[D, C·K]`.
    @Test func initialWeightsFollowPML() throws {
        let anchor = try ProxyAnchorLoss<Double>().initialWeights(classCount: 50, embeddingSize: 400, seed: 89)
        let deviation = (anchor.scalars.map { $0 * $0 }.reduce(0, +) / Double(anchor.count)).squareRoot()
        #expect(anchor.shape == [50, 400] && Swift.abs(deviation - (2.0 / 50).squareRoot()) < 0.01, "kaiming-normal, fan-out: \(deviation)")
        let centres = try SoftTripleLoss<Double>(centersPerClass: 4).initialWeights(classCount: 25, embeddingSize: 8, seed: 90)
        #expect(centres.shape == [8, 100] && centres.scalars.allSatisfy { Swift.abs($0) <= 0.1 } && centres.scalars.contains { Swift.abs($0) > 0.09 })
        #expect(try ProxyNCALoss<Double>().initialWeights(classCount: 3, embeddingSize: 5, seed: 1).shape == [3, 5])
        #expect(try ManifoldLoss<Double>().initialWeights(classCount: 3, embeddingSize: 5, seed: 1).shape == [3, 5])
    }

    @Test func badParametersAndHyperparametersAreNamed() throws {
        let proxies: Tensor<Double> = randomMatrix(3, 4, seed: 91)
        func expect(_ kind: MetricLearningError.Kind, _ text: String, _ loss: any ClassifierLoss<Double>, weights: Tensor<Double> = proxies) {
            DegenerateAndBadInputTests.expectError(kind, mentioning: text) {
                _ = try loss.valueWithGradient(embeddings: Self.x, weights: weights, labels: Self.labels)
            }
        }
        expect(.invalidParameter, "softmaxScale = nan", ProxyNCALoss(softmaxScale: .nan))
        expect(.invalidParameter, "margin = inf", ProxyAnchorLoss(margin: .infinity))
        expect(.invalidParameter, "alpha = nan", ProxyAnchorLoss(alpha: .nan))
        let centres = try SoftTripleLoss<Double>(centersPerClass: 2).initialWeights(classCount: 3, embeddingSize: 4, seed: 92)
        expect(.invalidParameter, "gamma = 0", SoftTripleLoss(centersPerClass: 2, gamma: 0), weights: centres)
        expect(.invalidParameter, "scale = nan", SoftTripleLoss(centersPerClass: 2, scale: .nan), weights: centres)
        expect(.invalidParameter, "centersPerClass = 0", SoftTripleLoss(centersPerClass: 0), weights: centres)
        expect(.invalidParameter, "distance", SoftTripleLoss(centersPerClass: 2, distance: EuclideanDistance()), weights: centres)
        expect(.invalidParameter, "contextWeight = -1", ManifoldLoss(contextWeight: -1))
        expect(.invalidParameter, "contextWeight = inf", ManifoldLoss(contextWeight: .infinity))
        expect(.invalidParameter, "alpha = 1", ManifoldLoss(alpha: 1))
        expect(.invalidParameter, "margin = nan", ManifoldLoss(margin: .nan))
        // Class weights `[D, C]` where proxies `[C, D]` are expected, and centres that do not split into classes.
        expect(.shapeMismatch, "proxies must be [classCount, embeddingSize] = [C ≥ 1, 4], got shape [4, 3]", ProxyAnchorLoss(), weights: randomMatrix(4, 3, seed: 93))
        expect(.shapeMismatch, "[embeddingSize, classCount·10]", SoftTripleLoss(), weights: centres)
        expect(.invalidLabels, "label 2 is outside 0..<2", ProxyNCALoss(), weights: randomMatrix(2, 4, seed: 94))
    }

    /// The column blocks of proxy-anchor and the rows of proxy-NCA and SoftTriple give
    /// bitwise the same result on 1, 2 and 8 threads, and Float agrees with Double.
    @Test func kernelsAreStableAndAgreeInFloat() throws {
        let x: Tensor<Double> = randomMatrix(40, 8, seed: 95)
        let labels = (0..<40).map { ($0 * 5) % 7 }
        let losses: [(any ClassifierLoss<Double>, any ClassifierLoss<Float>)] = [
            (ProxyAnchorLoss(), ProxyAnchorLoss()), (ProxyNCALoss(), ProxyNCALoss()), (SoftTripleLoss(centersPerClass: 3), SoftTripleLoss(centersPerClass: 3)),
        ]
        for (double, float) in losses {
            let w = try double.initialWeights(classCount: 7, embeddingSize: 8, seed: 96)
            let (xf, wf) = (try Tensor<Float>(shape: x.shape, scalars: x.scalars.map(Float.init)), try Tensor<Float>(shape: w.shape, scalars: w.scalars.map(Float.init)))
            let run = { try float.valueWithGradient(embeddings: xf, weights: wf, labels: labels) }
            let bits = { (r: LossGradients<Float>) in [r.value.bitPattern] + (r.embeddingsGradient.scalars + r.weightsGradient.scalars).map(\.bitPattern) }
            let reference = bits(try ComputeThreads.withLimit(1, run))
            for threads in [2, 8] {
                let other = try ComputeThreads.$minimumParallelWork.withValue(1 << 6) { try ComputeThreads.withLimit(threads, run) }
                #expect(bits(other) == reference, "\(type(of: float)) with \(threads) threads")
            }
            let (rd, rf) = (try double.valueWithGradient(embeddings: x, weights: w, labels: labels), try run())
            expectClose([Double(rf.value)], [rd.value], atol: 1e-4, rtol: 1e-4, "\(type(of: float))")
            expectClose(rf.embeddingsGradient.scalars.map(Double.init), rd.embeddingsGradient.scalars, atol: 1e-4, rtol: 1e-3, "\(type(of: float))")
            expectClose(rf.weightsGradient.scalars.map(Double.init), rd.weightsGradient.scalars, atol: 1e-4, rtol: 1e-3, "\(type(of: float))")
        }
    }
}
