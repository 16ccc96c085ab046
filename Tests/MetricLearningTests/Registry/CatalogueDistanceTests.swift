import Foundation
import Testing
import MetricLearning
import MetricLearningRegistry
import MetricLearningTesting
@testable import TensorCore

/// `LpDistance`, `SNRDistance` and `BatchedDistance` beyond what every enrolled distance is
/// checked for: their values against PML's definitions written out, the Euclidean fast type
/// where PML's `LpDistance` computes it, zero distances, bad hyperparameters and blocks.
@Suite("Lp, SNR and batched distances")
struct CatalogueDistanceTests {
    static let x: Tensor<Double> = randomMatrix(7, 4, seed: 71)
    static let y: Tensor<Double> = randomMatrix(5, 4, seed: 72)

    static func rows(_ t: Tensor<Double>) -> [[Double]] {
        (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { t[i, $0] } }
    }

    static func lp(_ v: [Double], _ p: Double) -> Double {
        pow(v.map { pow(Swift.abs($0), p) }.reduce(0, +), 1 / p)
    }

    @Test(arguments: [(1.0, 1.0, true), (1.0, 2.0, false), (3.0, 0.5, true), (1.5, 3.0, false), (2.0, 3.0, true)])
    func lpDistanceIsPMLs(p: Double, power: Double, normalizes: Bool) throws {
        let prepare = { (r: [Double]) in normalizes ? r.map { $0 / Swift.max(Self.lp(r, p), 1e-12) } : r }
        let expected = Self.rows(Self.x).map(prepare).flatMap { a in
            Self.rows(Self.y).map(prepare).map { b in pow(Self.lp(zip(a, b).map { $0 - $1 }, p), power) }
        }
        let distance = LpDistance<Double>(p: p, power: power, normalizesEmbeddings: normalizes)
        expectClose(try distance.matrix(Self.x, Self.y).scalars, expected, atol: 1e-14, rtol: 1e-12)
        #expect(distance.kernel == nil)
    }

    @Test func lpDistanceOfPTwoIsEuclidean() throws {
        for squared in [false, true] {
            for normalizes in [false, true] {
                let lp = LpDistance<Double>(power: squared ? 2 : 1, normalizesEmbeddings: normalizes)
                let euclidean = EuclideanDistance<Double>(normalizesEmbeddings: normalizes, squared: squared)
                #expect(lp.kernel == euclidean.kernel && lp.computesSameMatrix(as: euclidean))
                #expect(try lp.matrix(Self.x, Self.y).scalars == euclidean.matrix(Self.x, Self.y).scalars)
                // PML's builder gives the fast type there, LpDistance elsewhere.
                let kwargs = KeywordArguments(["power": .number(squared ? 2 : 1), "normalize_embeddings": .bool(normalizes)])
                let built: any Distance<Double> = try Registry.build(PMLObject(className: "LpDistance", kwargs: kwargs), from: Registry.distances(), kind: "distance")
                #expect(built is EuclideanDistance<Double> && built.computesSameMatrix(as: euclidean))
            }
        }
        let built: any Distance<Double> = try Registry.build(PMLObject(className: "LpDistance", kwargs: KeywordArguments(["p": 1])),
                                                             from: Registry.distances(), kind: "distance")
        #expect((built as? LpDistance<Double>)?.p == 1)
    }

    /// At x = y (a duplicate row, the diagonal) every p has distance 0 and a finite gradient,
    /// 0 there as PyTorch's `cdist`.
    @Test(arguments: [1.0, 1.5, 3.0]) func zeroDistancesHaveFiniteGradients(p: Double) throws {
        var x = Self.x
        for j in 0..<4 { x[1, j] = x[0, j] }
        for power in [0.5, 1, 2] {
            let distance = LpDistance<Double>(p: p, power: power, normalizesEmbeddings: false)
            let (value, gradient) = try valueWithGradient(at: x) { v in
                let m = distance(v)
                return (m * m.withoutDerivative).sum() + distance.values(v, rows: [0, 2], columns: [1, 2]).sum()
            }
            #expect(value.isFinite && gradient.isFinite, "p = \(p), power \(power)")
            #expect(try distance.matrix(x, x)[0, 1] == 0)
        }
    }

    @Test func snrDistanceIsPMLs() throws {
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1)
        }
        for normalizes in [true, false] {
            let prepare = { (r: [Double]) in normalizes ? r.map { $0 / Self.lp(r, 2) } : r }
            let expected = Self.rows(Self.x).map(prepare).flatMap { a in
                Self.rows(Self.y).map(prepare).map { b in variance(zip(a, b).map { $0 - $1 }) / variance(a) }
            }
            expectClose(try SNRDistance<Double>(normalizesEmbeddings: normalizes).matrix(Self.x, Self.y).scalars, expected, atol: 1e-13, rtol: 1e-12)
        }
    }

    /// PML divides by var(x), 0 for a constant or zero row; here those distances are finite
    /// (two zero rows: 0), with finite gradients, at any scale.
    @Test func snrDistanceOfRowsWithoutVarianceIsFinite() throws {
        let constant = try Tensor<Double>(shape: [4, 3], scalars: [0, 0, 0, 2, 2, 2, 0, 0, 0, 1, -1, 3])
        for scale in [1.0, 1e-200, 1e200] {
            for distance in [SNRDistance<Double>(), SNRDistance(normalizesEmbeddings: false)] {
                let (value, gradient) = try valueWithGradient(at: constant * scale) { distance($0).sum() }
                #expect(value.isFinite && gradient.isFinite, "scale \(scale)")
                #expect(try distance.matrix(constant * scale, constant * scale)[0, 2] == 0)
            }
        }
        let ones = try Tensor<Float>(shape: [2, 1], scalars: [1, 2])
        #expect(try SNRDistance<Float>().matrix(ones, ones).scalars.allSatisfy { $0 == 0 }, "D = 1: no variance at all")
    }

    @Test func badHyperparametersThrow() {
        let cases: [(String, any Distance<Double>)] = [
            ("p = 0.5", LpDistance(p: 0.5)), ("p = inf", LpDistance(p: .infinity, normalizesEmbeddings: false)),
            ("power = 0", LpDistance(p: 3, power: 0)), ("power = nan", LpDistance(power: .nan)),
            ("batchSize = 0", BatchedDistance(EuclideanDistance(), batchSize: 0)),
        ]
        for (message, distance) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) { _ = try distance.matrix(Self.x, Self.y) }
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try distance.values(Variable(Self.x), against: Variable(Self.y), rows: [0], columns: [1]).checked()
            }
        }
    }

    @Test(arguments: [1, 3, 7, 40]) func batchedBlocksAreTheMatrix(batchSize: Int) throws {
        let distance = LpDistance<Double>(p: 1.5)
        let batched = BatchedDistance(distance, batchSize: batchSize)
        let full = try distance.matrix(Self.x, Self.y)
        var covered: [Range<Int>] = []
        try batched.forEachBlock(of: Self.x, against: Self.y) { block, rows in
            covered.append(rows)
            #expect(block.shape == [rows.count, 5] && rows.count <= batchSize)
            #expect(block.scalars == Array(full.scalars[(rows.lowerBound * 5)..<(rows.upperBound * 5)]))
        }
        #expect(covered.first?.lowerBound == 0 && covered.last?.upperBound == 7 && zip(covered, covered.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(try batched.matrix(Self.x, Self.y).scalars == full.scalars)
        // Blocks of a batch against itself are differentiable: their sum has the full matrix's gradient.
        let (_, gradient) = try valueWithGradient(at: Self.x) { v in
            var total = (v * 0).sum()
            try batched.forEachBlock(of: v) { block, _ in total = total + block.sum() }
            return total
        }
        let (_, expected) = try valueWithGradient(at: Self.x) { distance($0).sum() }
        expectClose(gradient.scalars, expected.scalars, atol: 1e-13, rtol: 1e-12)
        DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "width 4 but the references 3") {
            try batched.forEachBlock(of: Self.x, against: randomMatrix(2, 3, seed: 1)) { _, _ in }
        }
    }
}
