import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// The angular loss has a factored path (per-row exponentials) and a direct one (per pair and
/// reference); both must give the same terms and gradients, and wide spans must fall back.
@Suite("Angular loss paths")
struct AngularPathTests {
    /// Labels with 2–4 rows per class, and every positive pair.
    static func batch(_ n: Int) -> (labels: [Int], anchors: [Int], positives: [Int]) {
        let labels = (0..<n).map { $0 % (n / 3) }
        var anchors: [Int] = [], positives: [Int] = []
        for a in 0..<n { for p in 0..<n where p != a && labels[p] == labels[a] { anchors.append(a); positives.append(p) } }
        return (labels, anchors, positives)
    }

    /// Σ of the pair terms and its gradient, along one of the three paths.
    static func terms(_ x: Tensor<Double>, references r: Tensor<Double>?, factored: Bool, gram: Bool) throws -> (Double, [Tensor<Double>]) {
        let (labels, anchors, positives) = batch(x.shape[0])
        let k = Double.tan(40 * .pi / 180) * Double.tan(40 * .pi / 180)
        return try valueWithGradient(at: [x] + (r.map { [$0] } ?? [])) { v in
            let references = v.count > 1 ? v[1] : v[0]
            let anchorRows = v[0].normalizedRows(), positiveRows = v.count > 1 ? references.normalizedRows() : anchorRows
            let c = pairDotProducts(anchorRows, positiveRows, rows: anchors, columns: positives)
            if gram {
                let terms = try #require(FactoredAngularTerms.terms(
                    normalized: anchorRows, norms: v[0].rowNorms(), pairDots: c, anchors: anchors, positives: positives,
                    labels: labels, tanSquared: k))
                return terms.sum()
            }
            let products = AngularProducts(
                anchorProducts: matmul(anchorRows, references, transposeB: true),
                positiveProducts: v.count > 1 ? matmul(positiveRows, references, transposeB: true) : nil,
                pairDots: c, anchors: anchors, positives: positives, labels: labels, referenceLabels: labels, tanSquared: k)
            if factored {
                return try #require(FactoredAngularTerms.terms(products)).sum()
            }
            return AngularPairTerms.terms(products).sum()
        }
    }

    @Test func factoredPathsEqualTheDirectOne() throws {
        let x: Tensor<Double> = randomMatrix(30, 7, seed: 41, scale: 2)
        let r: Tensor<Double> = randomMatrix(30, 7, seed: 42, scale: 2)
        let direct = try Self.terms(x, references: nil, factored: false, gram: false)
        for (factored, gram) in [(true, false), (true, true)] {
            let other = try Self.terms(x, references: nil, factored: factored, gram: gram)
            #expect(abs(other.0 - direct.0) <= 1e-12 * abs(direct.0), "value, gram \(gram)")
            for (g, h) in zip(other.1[0].scalars, direct.1[0].scalars) { #expect(abs(g - h) <= 1e-11 * (1 + abs(h)), "gradient, gram \(gram)") }
        }
        let directWithReferences = try Self.terms(x, references: r, factored: false, gram: false)
        let factoredWithReferences = try Self.terms(x, references: r, factored: true, gram: false)
        #expect(abs(factoredWithReferences.0 - directWithReferences.0) <= 1e-12 * abs(directWithReferences.0))
        for i in 0..<2 {
            for (g, h) in zip(factoredWithReferences.1[i].scalars, directWithReferences.1[i].scalars) {
                #expect(abs(g - h) <= 1e-11 * (1 + abs(h)), "gradient \(i) with references")
            }
        }
    }

    @Test func wideSpansFallBackToTheDirectPath() throws {
        // Rows of norm ~400: exponents over a row span far more than a Float product can hold.
        let x: Tensor<Float> = randomMatrix(24, 8, seed: 43, scale: 140)
        let (labels, anchors, positives) = Self.batch(24)
        let k = Float.tan(40 * .pi / 180) * Float.tan(40 * .pi / 180)
        _ = try valueWithGradient(at: x) { v in
            let unit = v.normalizedRows()
            let c = pairDotProducts(unit, unit, rows: anchors, columns: positives)
            #expect(FactoredAngularTerms.terms(normalized: unit, norms: v.rowNorms(), pairDots: c, anchors: anchors,
                                               positives: positives, labels: labels, tanSquared: k) == nil)
            return v.sum()
        }
        let float = try AngularLoss<Float>().valueWithGradient(embeddings: x, labels: labels)
        let double = try AngularLoss<Double>().valueWithGradient(
            embeddings: Tensor(shape: x.shape, scalars: x.scalars.map(Double.init)), labels: labels)
        #expect(float.value.isFinite && float.gradient.scalars.allSatisfy(\.isFinite))
        #expect(abs(Double(float.value) - double.value) <= 1e-4 * abs(double.value))
    }
}
