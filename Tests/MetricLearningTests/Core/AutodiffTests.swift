import Dispatch
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Every differentiable operation, checked against central finite differences in Double.
@Suite("Autodiff")
struct AutodiffTests {
    static let shapes: [(Int, Int)] = [(1, 1), (3, 5), (6, 2)]

    /// A positive matrix away from 0, for log and square root.
    static func positive(_ r: Int, _ c: Int, seed: UInt64) -> Tensor<Double> {
        let x: Tensor<Double> = randomMatrix(r, c, seed: seed)
        return x.map { Swift.abs($0) + 0.5 }
    }
    /// A matrix whose entries stay at least 0.05 away from 0 (hinge kinks).
    static func awayFromZero(_ r: Int, _ c: Int, seed: UInt64) -> Tensor<Double> {
        let x: Tensor<Double> = randomMatrix(r, c, seed: seed)
        return x.map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 }
    }
    /// A fixed weighting so the checked function is a generic linear form of the output.
    static func weighted(_ v: Variable<Double>, seed: UInt64 = 99) -> Variable<Double> {
        let w = try! Tensor<Double>.randomNormal(shape: v.shape, seed: seed)
        return (v * Variable(w)).sum()
    }

    @Test(arguments: shapes) func elementwiseUnary(r: Int, c: Int) throws {
        let x = Self.awayFromZero(r, c, seed: 1)
        let p = Self.positive(r, c, seed: 2)
        try expectGradientsMatch([x]) { Self.weighted($0[0].exp()) }
        try expectGradientsMatch([p]) { Self.weighted($0[0].log()) }
        try expectGradientsMatch([p]) { Self.weighted($0[0].log1p()) }
        try expectGradientsMatch([p]) { Self.weighted($0[0].squareRoot()) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].squared()) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].abs()) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].relu()) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].softplus()) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].clamped(lower: -0.5, upper: 0.7)) }
        try expectGradientsMatch([x]) { Self.weighted(-$0[0] * 3 + 2 - (1 - $0[0]) / 4) }
        try expectGradientsMatch([p]) { Self.weighted(2 / $0[0]) }
    }

    @Test(arguments: shapes) func binaryWithBroadcasting(r: Int, c: Int) throws {
        let a = Self.awayFromZero(r, c, seed: 3)
        let b = Self.positive(r, c, seed: 4)
        let row = Self.positive(1, c, seed: 5)
        let column = Self.positive(r, 1, seed: 6)
        let vector = try Self.positive(1, c, seed: 7).reshaped(to: [c])
        let scalar = Tensor<Double>(1.7)
        for other in [b, row, column, vector, scalar] {
            try expectGradientsMatch([a, other]) { Self.weighted($0[0] + $0[1]) }
            try expectGradientsMatch([a, other]) { Self.weighted($0[0] - $0[1]) }
            try expectGradientsMatch([a, other]) { Self.weighted($0[0] * $0[1]) }
            try expectGradientsMatch([a, other]) { Self.weighted($0[0] / $0[1]) }
            try expectGradientsMatch([other, a]) { Self.weighted($0[0] / $0[1]) }
            try expectGradientsMatch([a, other]) { Self.weighted(Variable.maximum($0[0], $0[1] - 0.31)) }
            try expectGradientsMatch([a, other]) { Self.weighted(Variable.minimum($0[0], $0[1] - 0.31)) }
        }
    }

    @Test(arguments: shapes) func reductions(r: Int, c: Int) throws {
        let x = Self.awayFromZero(r, c, seed: 8)
        try expectGradientsMatch([x]) { $0[0].sum() * 1.5 }
        try expectGradientsMatch([x]) { $0[0].mean() }
        try expectGradientsMatch([x]) { $0[0].max() + $0[0].min() * 2 }
        for axis in [0, 1] {
            try expectGradientsMatch([x]) { Self.weighted($0[0].sum(alongAxis: axis)) }
            try expectGradientsMatch([x]) { Self.weighted($0[0].mean(alongAxis: axis)) }
            try expectGradientsMatch([x]) { Self.weighted($0[0].max(alongAxis: axis)) }
            try expectGradientsMatch([x]) { Self.weighted($0[0].min(alongAxis: axis)) }
            let mask = (0..<(r * c)).map { $0 % 3 != 1 }
            for zero in [false, true] {
                try expectGradientsMatch([x]) { Self.weighted($0[0].logSumExp(alongAxis: axis, mask: mask, includingZero: zero).clamped(lower: -100)) }
            }
            try expectGradientsMatch([x]) { Self.weighted($0[0].logSumExp(alongAxis: axis)) }
        }
    }

    @Test(arguments: shapes) func linearAlgebraAndRows(r: Int, c: Int) throws {
        let a = Self.awayFromZero(r, c, seed: 9)
        let b = Self.awayFromZero(c, r + 1, seed: 10)
        let bt = try b.transposed()
        let y = Self.awayFromZero(r + 2, c, seed: 11)
        try expectGradientsMatch([a, b]) { Self.weighted(matmul($0[0], $0[1])) }
        try expectGradientsMatch([a, bt]) { Self.weighted(matmul($0[0], $0[1], transposeB: true)) }
        try expectGradientsMatch([try a.transposed(), b]) { Self.weighted(matmul($0[0], $0[1], transposeA: true)) }
        try expectGradientsMatch([try a.transposed(), bt]) { Self.weighted(matmul($0[0], $0[1], transposeA: true, transposeB: true)) }
        try expectGradientsMatch([a]) { Self.weighted($0[0].transposed()) }
        try expectGradientsMatch([a]) { Self.weighted($0[0].rowNorms()) }
        try expectGradientsMatch([a]) { Self.weighted($0[0].normalizedRows()) }
        try expectGradientsMatch([a, y]) { Self.weighted(pairwiseDotProducts($0[0], $0[1])) }
        try expectGradientsMatch([a, y]) { Self.weighted(pairwiseSquaredDistances($0[0], $0[1])) }
        try expectGradientsMatch([a, y]) { Self.weighted(pairwiseDistances($0[0], $0[1])) }
        // The same variable on both sides: gradients from both arguments add up.
        try expectGradientsMatch([a]) { v in Self.weighted(pairwiseSquaredDistances(v[0], v[0])) }
        try expectGradientsMatch([a]) { v in Self.weighted(matmul(v[0], v[0], transposeB: true)) }
        try expectGradientsMatch([a]) { v in let n = v[0].normalizedRows(); return Self.weighted(pairwiseDotProducts(n, n)) }
        try expectGradientsMatch([a]) { v in Self.weighted(pairwiseDistances(v[0].normalizedRows(), v[0].normalizedRows())) }
    }

    @Test func indexingAndSelection() throws {
        let x = Self.awayFromZero(4, 3, seed: 12)
        let y = Self.awayFromZero(4, 3, seed: 13)
        try expectGradientsMatch([x]) { Self.weighted($0[0].gatheringRows([3, 0, 3, 1])) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].gatheringElements(rows: [0, 3, 0], columns: [2, 1, 2])) }
        let mask = (0..<12).map { $0 % 2 == 0 }
        try expectGradientsMatch([x, y]) { Self.weighted($0[0].replacing(with: $0[1], where: mask)) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].reshaped(to: [2, 6])) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].reshaped(to: [12]).elements(in: 3..<9)) }
        let rows = [0, 3, 1, 1, 2], columns = [2, 0, 3, 1, 2]
        try expectGradientsMatch([x]) { Self.weighted($0[0].pairDotProducts(rows: rows, columns: columns)) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].pairSquaredDistances(rows: rows, columns: columns)) }
        try expectGradientsMatch([x, y]) { Self.weighted(pairSquaredDistances($0[0], $0[1], rows: rows, columns: columns)) }
        try expectGradientsMatch([x, y]) { Self.weighted(pairDotProducts($0[0], $0[1], rows: rows, columns: columns)) }
        try expectGradientsMatch([x]) { Self.weighted($0[0].pairDistances(rows: rows, columns: columns)) }
        try expectGradientsMatch([x, y]) { Self.weighted(pairDistances($0[0], $0[1], rows: rows, columns: columns)) }
        let distances = try pairwiseDistances(x, y).gatheringElements(rows: rows, columns: columns)
        expectClose(pairDistances(Variable(x), Variable(y), rows: rows, columns: columns).value.scalars, distances.scalars, atol: 1e-12)
        // The sparse pair values equal the gathered full matrices.
        let full = try pairwiseSquaredDistances(x, x).gatheringElements(rows: rows, columns: columns)
        expectClose(Variable(x).pairSquaredDistances(rows: rows, columns: columns).value.scalars, full.scalars, atol: 1e-12)
    }

    @Test func distanceGradientIsFiniteAtZero() throws {
        let x = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 1, 2])
        let (value, gradient) = try valueWithGradient(at: x) { pairwiseDistances($0, $0).sum() }
        #expect(value == 0)
        #expect(gradient.scalars == [0, 0, 0, 0])
    }

    /// A huge upstream gradient on tiny distances: g/d overflows Float, the gradient
    /// g·(xᵢ − xⱼ)/d does not. Both distance forms must return it, finite and exact.
    @Test func distanceGradientsSurviveHugeUpstreamOnTinyDistances() throws {
        // Squared distances near 1e-33 stay normal floats; 1e25 / 1e-17 does not fit.
        let x = try Tensor<Float>.randomNormal(shape: [4, 9], seed: 21).map { $0 * 1e-17 }
        let rows = [0, 1, 2, 3, 0], columns = [1, 0, 3, 2, 2]
        let upstream: Float = 1e25
        // The gradient of Σ upstream·‖x_r − x_c‖ over (rows, columns), in Double.
        let xd = x.scalars.map(Double.init), width = 9
        func expected(_ pairs: [(Int, Int)]) -> [Float] {
            var out = [Double](repeating: 0, count: xd.count)
            for (r, c) in pairs {
                let difference = (0..<width).map { xd[r * width + $0] - xd[c * width + $0] }
                let distance = difference.map { $0 * $0 }.reduce(0, +).squareRoot()
                for k in 0..<width {
                    out[r * width + k] += Double(upstream) * difference[k] / distance
                    out[c * width + k] -= Double(upstream) * difference[k] / distance
                }
            }
            return out.map(Float.init)
        }
        let sparse = try valueWithGradient(at: x) { ($0.pairDistances(rows: rows, columns: columns) * upstream).sum() }
        expectClose(sparse.gradient.scalars, expected(Array(zip(rows, columns))), atol: 1e20, rtol: 1e-4)
        let allPairs = (0..<4).flatMap { i in (0..<4).filter { $0 != i }.map { (i, $0) } }
        let dense = try valueWithGradient(at: x) { (pairwiseDistances($0, $0) * upstream).sum() }
        expectClose(dense.gradient.scalars, expected(allPairs), atol: 1e20, rtol: 1e-4)
        #expect(sparse.gradient.isFinite && dense.gradient.isFinite)
    }

    /// A list with both (i, j) and (j, i), as a symmetric miner lists pairs: each row's terms
    /// for one other row are summed into one before the row is read, and the gradient is still
    /// the dense matrix's; coefficients whose sum would overflow stay apart.
    @Test func mirroredPairsGiveTheDenseGradient() throws {
        let x = Self.awayFromZero(6, 5, seed: 31)
        let upper = [(0, 1), (0, 4), (1, 2), (2, 5), (3, 4), (1, 5)]
        let rows = upper.flatMap { [$0.0, $0.1] }, columns = upper.flatMap { [$0.1, $0.0] }
        let weights = try Tensor<Double>.randomNormal(shape: [rows.count], seed: 32)
        let sparse = try valueWithGradient(at: x) { ($0.pairDistances(rows: rows, columns: columns) * Variable(weights)).sum() }
        let dense = try valueWithGradient(at: x) {
            (pairwiseDistances($0, $0).gatheringElements(rows: rows, columns: columns) * Variable(weights)).sum()
        }
        expectClose(sparse.gradient.scalars, dense.gradient.scalars, atol: 1e-12)
        try expectGradientsMatch([x]) { ($0[0].pairDistances(rows: rows, columns: columns) * Variable(weights)).sum() }
        // Upstream 2e36 on (0, 1) and on (1, 0) at distance 0.01: each coefficient g/d is 2e38,
        // their sum overflows Float, the gradient ±2·2e38·0.01 does not.
        let xf = Tensor<Float>(uncheckedShape: [2, 2], scalars: [0, 0, 0.01, 0])
        let huge = try valueWithGradient(at: xf) { ($0.pairDistances(rows: [0, 1], columns: [1, 0]) * 2e36).sum() }
        expectClose(huge.gradient.scalars, [-4e36, 0, 4e36, 0], atol: 0, rtol: 1e-5)
    }

    @Test func floatAgreesWithDouble() throws {
        let xd = Self.awayFromZero(5, 4, seed: 14)
        let xf = Tensor<Float>(uncheckedShape: xd.shape, scalars: xd.scalars.map(Float.init))
        func f<S: TensorScalar>(_ v: Variable<S>) -> Variable<S> {
            let d = pairwiseDistances(v.normalizedRows(), v.normalizedRows())
            return (d.softplus().logSumExp(alongAxis: 1) * matmul(v, v, transposeB: true).sum(alongAxis: 0)).mean()
        }
        let (vd, gd) = try valueWithGradient(at: xd, in: f)
        let (vf, gf) = try valueWithGradient(at: xf, in: f)
        expectClose([Double(vf)], [vd], atol: 1e-4, rtol: 1e-4)
        expectClose(gf.scalars.map(Double.init), gd.scalars, atol: 1e-4, rtol: 1e-3)
    }

    @Test func shapeErrorsAreThrownByTheEntryPoint() {
        let x: Tensor<Double> = randomMatrix(3, 2, seed: 1)
        #expect(throws: MetricLearningError.self) {
            try valueWithGradient(at: x) { v in (v + Variable(Tensor([1, 2, 3]))).sum() }
        }
        #expect(throws: MetricLearningError.self) { try valueWithGradient(at: x) { v in v * 2 } }
        #expect(throws: MetricLearningError.self) { try checkGradients(at: x) { v in matmul(v, v).sum() } }
    }

    @Test func constantResultHasZeroGradient() throws {
        let x: Tensor<Double> = randomMatrix(2, 2, seed: 1)
        let (value, gradient) = try valueWithGradient(at: x) { _ in Variable(Tensor(3.0)) }
        #expect(value == 3 && gradient.scalars == [0, 0, 0, 0])
    }

    @Test func concurrentDifferentiationsDoNotInteract() async throws {
        let inputs: [Tensor<Double>] = (0..<8).map { randomMatrix(40, 16, seed: UInt64($0)) }
        func f(_ v: Variable<Double>) -> Variable<Double> {
            (pairwiseDistances(v, v).exp() * 0.01).sum() + v.squared().sum()
        }
        let expected = try inputs.map { try valueWithGradient(at: $0, in: f) }
        let results = try await withThrowingTaskGroup(of: (Int, Double, [Double]).self) { group in
            for round in 0..<4 {
                for (i, x) in inputs.enumerated() {
                    group.addTask {
                        let (v, g) = try valueWithGradient(at: x, in: f)
                        return (i + round * 0, v, g.scalars)
                    }
                }
            }
            var all: [(Int, Double, [Double])] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 32)
        for (i, v, g) in results {
            #expect(v == expected[i].value)
            #expect(g == expected[i].gradient.scalars)
        }
    }

    @Test func gradientCheckReportExplainsFailures() throws {
        // A deliberately wrong derivative: the report must catch it and say where.
        let x = Self.positive(2, 2, seed: 3)
        let report = try checkGradients(at: x) { v in
            Variable.record([v]) { (v.value.squared(), { g in [g] }) }.sum()
        }
        #expect(!report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        #expect(report.maxAbsoluteError > 0.5)
        #expect(report.description.contains("analytic"))
        #expect(report.worstElement != nil)
    }
}
