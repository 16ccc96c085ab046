import Testing
import MetricLearning
import MetricLearningRegistry

/// Every enrolled weight regularizer against finite differences, on degenerate class vectors
/// and bad input, in Float against Double; their values on vectors worked out by hand; and
/// `regularized(by:weight:)`.
@Suite("Weight regularizers")
struct WeightRegularizerTests {
    /// Six rows: two classes of three centres for `SparseCentersRegularizer`.
    static let vectors: Tensor<Double> = randomMatrix(6, 4, seed: 11)

    @Test(arguments: Registry.weightRegularizerNames) func gradients(name: String) throws {
        let regularizer = Registry.weightRegularizer(name).object
        let report = try checkGradients(at: Self.vectors) { try regularizer($0) }
        #expect(report.isWithin(absoluteTolerance: 1e-7, relativeTolerance: 1e-5), "\(name): \(report)")
        #expect(report.elements.contains { $0.analytic != 0 }, "\(name): gradient is all zeros")
    }

    @Test(arguments: Registry.weightRegularizerNames) func finiteOnDegenerateVectors(name: String) throws {
        let regularizer = Registry.weightRegularizer(name).object
        let row = Array(Self.vectors.scalars.prefix(4))
        let degenerate: [(String, Tensor<Double>)] = [
            ("zero vectors", try .zeros(shape: [6, 4])),
            ("one vector repeated", try Tensor(shape: [6, 4], scalars: Array([[Double]](repeating: row, count: 6).joined()))),
            ("magnitude 1e6", Self.vectors * 1e6),
            ("magnitude 1e-30", Self.vectors * 1e-30),
        ]
        for (what, v) in degenerate {
            let (value, gradient) = try valueWithGradient(at: v) { try regularizer($0) }
            #expect(value.isFinite && gradient.isFinite, "\(name) on \(what)")
        }
    }

    @Test(arguments: Registry.weightRegularizerNames) func rejectsBadInput(name: String) {
        let regularizer = Registry.weightRegularizer(name).object
        var bad = Self.vectors
        bad[2, 1] = .nan
        DegenerateAndBadInputTests.expectError(.nonFiniteInput, mentioning: "class vector [2, 1]") { _ = try regularizer(Variable(bad)) }
        DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "[24]") { _ = try regularizer(Variable(try Self.vectors.reshaped(to: [24]))) }
        DegenerateAndBadInputTests.expectError(.emptyInput, mentioning: "[0, 4]") { _ = try regularizer(Variable(try .zeros(shape: [0, 4]))) }
    }

    @Test(arguments: Registry.weightRegularizerNames) func floatAgreesWithDouble(name: String) throws {
        let (d, f) = (Registry.weightRegularizer(name).object, Registry.weightRegularizer(name, as: Float.self).object)
        let (vd, gd) = try valueWithGradient(at: Self.vectors) { try d($0) }
        let (vf, gf) = try valueWithGradient(at: try Tensor<Float>(shape: [6, 4], scalars: Self.vectors.scalars.map(Float.init))) { try f($0) }
        expectClose([Double(vf)], [vd], atol: 1e-5, rtol: 1e-5, name)
        expectClose(gf.scalars.map(Double.init), gd.scalars, atol: 1e-5, rtol: 1e-4, name)
    }

    @Test func valuesByHand() throws {
        // Squared norms 1 and 4 around their mean 2.5: ((1.5)²/4 + (1.5)²/4)/2.
        let unequal = try Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 2])
        #expect(try CenterInvariantRegularizer<Double>()(Variable(unequal)).value.scalars == [0.5625])
        // Each of (1, 0), (0, 1), (1, 1) has (1, 1) or (1, 0) nearest at cosine 1/√2.
        let three = try Tensor<Double>(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        expectClose(try RegularFaceRegularizer<Double>()(Variable(three)).value.scalars, [(0.5).squareRoot()], atol: 1e-15)
        // One class vector is its own nearest: cosine 1 (PML), or 0 when it is zero.
        #expect(try RegularFaceRegularizer<Double>()(Variable(try Tensor(shape: [1, 2], scalars: [3, 4]))).value.scalars == [1])
        #expect(try RegularFaceRegularizer<Double>()(Variable(try .zeros(shape: [1, 2]))).value.scalars == [0])
        // Two orthogonal centres of one class: √2 / (2·1); two of them identical: 0 (up to the rounding of their cosine).
        let sparse = SparseCentersRegularizer<Double>(classCount: 1, centersPerClass: 2)
        expectClose(try sparse(Variable(try Tensor(shape: [2, 2], scalars: [1, 0, 0, 3]))).value.scalars, [(0.5).squareRoot()], atol: 1e-15)
        expectClose(try sparse(Variable(try Tensor(shape: [2, 2], scalars: [1, 2, 1, 2]))).value.scalars, [0], atol: 1e-7)
    }

    @Test func sparseCentersChecksItsLayout() {
        DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "12 are needed") {
            _ = try SparseCentersRegularizer<Double>(classCount: 4, centersPerClass: 3)(Variable(Self.vectors))
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "centersPerClass = 1") {
            _ = try SparseCentersRegularizer<Double>(classCount: 6, centersPerClass: 1)(Variable(Self.vectors))
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "classCount = 0") {
            _ = try SparseCentersRegularizer<Double>(classCount: 0, centersPerClass: 3)(Variable(Self.vectors))
        }
    }

    /// L + λ·R(Wᵀ): the regularizer sees one row per class, and λ must be finite.
    @Test func regularizedLossAddsTheWeightedPenaltyOfTheClassVectors() throws {
        let x: Tensor<Double> = randomMatrix(8, 4, seed: 12), w: Tensor<Double> = randomMatrix(4, 3, seed: 13)
        let labels = [0, 1, 2, 0, 1, 2, 0, 1]
        let loss = CosFaceLoss<Double>(), regularizer = RegularFaceRegularizer<Double>()
        let combined = try loss.regularized(by: regularizer, weight: 0.7).valueWithGradient(embeddings: x, weights: w, labels: labels)
        let plain = try loss.valueWithGradient(embeddings: x, weights: w, labels: labels)
        let (penalty, penaltyGradient) = try valueWithGradient(at: try w.transposed()) { try regularizer($0) }
        expectClose([combined.value], [plain.value + 0.7 * penalty], atol: 1e-12, rtol: 1e-12)
        #expect(combined.embeddingsGradient == plain.embeddingsGradient)
        let expected = try plain.weightsGradient + (try penaltyGradient.transposed()) * 0.7
        expectClose(combined.weightsGradient.scalars, expected.scalars, atol: 1e-12, rtol: 1e-10)

        let sub = SubCenterArcFaceLoss<Double>().regularized(by: SparseCentersRegularizer(classCount: 3, centersPerClass: 3))
        #expect(sub.weight == 1)
        #expect(try sub.initialWeights(classCount: 3, embeddingSize: 4, seed: 1).shape == [4, 9])
        #expect(sub.classVectors(Variable(try .zeros(shape: [4, 9]))).shape == [9, 4])
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "weight = nan") {
            _ = try loss.regularized(by: regularizer, weight: .nan).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
    }
}
