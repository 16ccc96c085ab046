import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// Inputs found by fuzzing the public calls that gave NaN or ∞ silently; each now gives a
/// finite result or a named error.
@Suite("Extreme inputs found by fuzzing")
struct ExtremeInputTests {
    static let labels = [0, 0, 1, 1, 2, 2]

    @Test func exponentialTripletLossRefusesSimilarities() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1) * 0.3
        for distance in [CosineSimilarity<Double>(), DotProductSimilarity<Double>()] as [any Distance<Double>] {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "must be a distance, not a similarity") {
                _ = try ExponentialTripletLoss<Double>(distance: distance).valueWithGradient(embeddings: x, labels: Self.labels)
            }
        }
    }

    @Test func cosineOfMultipleAngleIsStableForLargeMargins() {
        for m in [1, 2, 3, 4, 7, 120, 1012, 5000] {
            for c in [-1.0, -0.93, -0.4, 0, 0.17, 0.5, 0.999, 1] {
                let (value, derivative) = AngularMarginLogits.cosineOfMultipleAngle(c, m)
                let theta = Double.acos(c)
                #expect(Swift.abs(value - Double.cos(Double(m) * theta)) <= 1e-12 * Double(m), "m = \(m), c = \(c)")
                // d cos(mθ)/dc = m sin(mθ)/sin θ, and m² at c = ±1 (times (±1)^(m−1)).
                let expected = Swift.abs(c) == 1 ? Double(m * m) * (c < 0 && m % 2 == 0 ? -1 : 1) : Double(m) * Double.pow(1 - c * c, -0.5) * Self.sinOf(Double(m) * theta)
                #expect(Swift.abs(derivative - expected) <= 1e-9 * Double(m * m), "m = \(m), c = \(c): \(derivative) vs \(expected)")
            }
        }
        let (f, df) = AngularMarginLogits.cosineOfMultipleAngle(Float(0.3), 120)
        #expect(f.isFinite && df.isFinite)
    }

    static func sinOf(_ x: Double) -> Double { Double.cos(x - .pi / 2) }

    @Test func angularMarginSoftmaxLossesStayFiniteForLargeMargins() throws {
        let xf: Tensor<Float> = randomMatrix(6, 4, seed: 2), wf: Tensor<Float> = randomMatrix(4, 3, seed: 3)
        let xd: Tensor<Double> = randomMatrix(6, 4, seed: 2), wd: Tensor<Double> = randomMatrix(4, 3, seed: 3)
        for margin in [120, 1012] {
            for loss in [LargeMarginSoftmaxLoss<Float>(margin: margin), AngularSoftmaxLoss<Float>(margin: margin)] as [any ClassifierLoss<Float>] {
                let r = try loss.valueWithGradient(embeddings: xf, weights: wf, labels: Self.labels)
                #expect(r.value.isFinite && r.embeddingsGradient.isFinite && r.weightsGradient.isFinite, "\(type(of: loss)) m = \(margin)")
            }
            for loss in [LargeMarginSoftmaxLoss<Double>(margin: margin), AngularSoftmaxLoss<Double>(margin: margin)] as [any ClassifierLoss<Double>] {
                let r = try loss.valueWithGradient(embeddings: xd, weights: wd, labels: Self.labels)
                #expect(r.value.isFinite && r.embeddingsGradient.isFinite && r.weightsGradient.isFinite, "\(type(of: loss)) m = \(margin)")
            }
        }
    }

    /// Rooted Euclidean distances of rows whose squared norms overflow are computed on rows
    /// scaled by a power of two: exactly 2^k times the distances of the scaled-down rows.
    @Test func euclideanDistancesOfHugeFloatRowsAreFinite() throws {
        let x: Tensor<Float> = randomMatrix(6, 16, seed: 4)
        let scale = Float(sign: .plus, exponent: 100, significand: 1)   // ≈ 1.3e30
        let (small, smallGradient) = try valueWithGradient(at: x) { pairwiseDistances($0, $0).sum() }
        let (huge, hugeGradient) = try valueWithGradient(at: x * scale) { pairwiseDistances($0, $0).sum() }
        #expect(huge.bitPattern == (small * scale).bitPattern)
        #expect(hugeGradient.scalars.map(\.bitPattern) == smallGradient.scalars.map(\.bitPattern))
        let rows = [0, 1, 2, 5], columns = [3, 4, 0, 1]
        let sparse = try pairDistances(Variable(x * scale), Variable(x * scale), rows: rows, columns: columns).checked().value
        let sparseSmall = try pairDistances(Variable(x), Variable(x), rows: rows, columns: columns).checked().value
        #expect(sparse.scalars.map(\.bitPattern) == sparseSmall.scalars.map { ($0 * scale).bitPattern })
        // Losses over plain Euclidean distances at |x| ≈ 1e19 and 1e30.
        let labels = [0, 1, 2, 0, 1, 2]
        let plain = EuclideanDistance<Float>(normalizesEmbeddings: false)
        let losses: [any MetricLoss<Float>] = [ContrastiveLoss(distance: plain), TripletMarginLoss(margin: 0.2, distance: plain),
                                                MultiSimilarityLoss(distance: plain), MarginLoss(distance: plain)]
        for magnitude: Float in [1e19, 1e30] {
            for loss in losses {
                let r = try loss.valueWithGradient(embeddings: x * magnitude, labels: labels)
                #expect(r.value.isFinite && r.gradient.isFinite, "\(type(of: loss)) at \(magnitude)")
            }
        }
    }

    /// A result the scalar type cannot hold is a named error, never a returned ∞.
    @Test func overflowingResultsAreNamed() {
        let x: Tensor<Float> = randomMatrix(6, 16, seed: 5) * 1e19
        let squared = ContrastiveLoss<Float>(negativeMargin: 1e30, distance: EuclideanDistance(normalizesEmbeddings: false, squared: true))
        DegenerateAndBadInputTests.expectError(.overflow, mentioning: "Float's range") {
            _ = try squared.valueWithGradient(embeddings: x, labels: Self.labels)
        }
    }

    @Test func thresholdBoundsAreCheckedWithoutTerms() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 6)
        for reducer in [ThresholdReducer<Double>(low: .nan), ThresholdReducer<Double>(low: 1, high: 0)] {
            let losses: [any MetricLoss<Double>] = [TripletMarginLoss(reducer: reducer), ContrastiveLoss(reducer: reducer),
                                                    MultiSimilarityLoss(reducer: reducer), AngularLoss(reducer: reducer)]
            for loss in losses {
                for (labels, tuples) in [(Self.labels, MinedTuples.triplets([])), (Self.labels, .pairs(positive: [], negative: [])),
                                         ([4, 4, 4, 4, 4, 4], nil), ([0, 1, 2, 3, 4, 5], nil)] {
                    DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "low...high") {
                        _ = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: tuples)
                    }
                }
            }
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "low...high") {
                _ = try valueWithGradient(at: Tensor<Double>([])) { reducer.reduce($0) }
            }
        }
    }

    /// Row norms of rows whose squares overflow (|x| ≈ 1e20 in Float) are computed on the row
    /// scaled by a power of two: normalising losses no longer see zero rows (found by metric-fuzz).
    @Test func normsOfHugeRowsAreFinite() throws {
        let x = try Tensor<Float>(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        let huge = x * 1e20
        let norms = try huge.rowNorms().scalars
        expectClose(norms.map(Double.init), [1e20, 1e20, 1.4142135e20], atol: 0, rtol: 1e-6, "row norms")
        expectClose(try huge.normalizedRows().scalars, try x.normalizedRows().scalars, atol: 1e-7, rtol: 1e-6, "normalised rows")
        let loss = ContrastiveLoss<Float>()
        let labels = [0, 0, 1]
        expectClose([try loss.value(embeddings: huge, labels: labels)], [try loss.value(embeddings: x, labels: labels)], atol: 1e-6, rtol: 1e-5, "contrastive")
    }

    /// A loss without terms is 0 even where the sum of the inputs overflows (x.sum() · 0 was
    /// ∞ · 0 = NaN; found by metric-fuzz).
    @Test func noTermsAtTheEdgeOfTheRangeIsZero() throws {
        let x = try Tensor<Double>(shape: [1, 2], scalars: [1e308, 1e308])
        let (value, gradient) = try CombinedMetricLoss<Double>([(1, TripletMarginLoss())]).valueWithGradient(embeddings: x, labels: [0])
        #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 })
        let (reduced, _) = try valueWithGradient(at: Tensor<Double>([-1e308, -1e308])) { MeanOfNonZeroReducer<Double>().reduce($0) }
        #expect(reduced == 0)
    }
}
