import Dispatch
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

@Suite("Tensor")
struct TensorTests {
    @Test func mismatchedShapeThrowsAndNamesValues() throws {
        #expect(throws: MetricLearningError.self) { try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3]) }
        do {
            _ = try Tensor<Float>(shape: [2, 3], scalars: [1])
        } catch let error as MetricLearningError {
            #expect(error.kind == .shapeMismatch)
            #expect(error.description.contains("[2, 3]") && error.description.contains("6"))
        } catch { Issue.record("wrong error \(error)") }
        #expect(throws: MetricLearningError.self) { try Tensor<Double>.zeros(shape: [-1, 2]) }
        // Counts that overflow Int are refused, not trapped on; a zero extent makes any shape empty.
        #expect(throws: MetricLearningError.self) { try Tensor<Double>.zeros(shape: [Int.max, 2]) }
        #expect(throws: MetricLearningError.self) { try Tensor<Double>(shape: [1 << 62, 4], scalars: []) }
        #expect(throws: MetricLearningError.self) { try Tensor<Double>([1, 2]).reshaped(to: [Int.max, 2]) }
        #expect(try Tensor<Double>(shape: [Int.max, 4, 0], scalars: []).count == 0)
        #expect(throws: MetricLearningError.self) { try Tensor<Double>.randomNormal(shape: [2], standardDeviation: -1, seed: 0) }
        #expect(throws: MetricLearningError.self) { try Tensor<Float>.randomUniform(shape: [2], lower: 1, upper: 0, seed: 0) }
    }

    @Test func creation() throws {
        let eye = try Tensor<Double>.identity(size: 3)
        #expect(eye.scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try Tensor<Float>.ones(shape: [2, 2]).scalars == [1, 1, 1, 1])
        let a = try Tensor<Double>.randomNormal(shape: [1000], seed: 42)
        let b = try Tensor<Double>.randomNormal(shape: [1000], seed: 42)
        #expect(a == b)
        let mean = a.scalars.reduce(0, +) / 1000
        let variance = a.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        #expect(Swift.abs(mean) < 0.1 && Swift.abs(variance - 1) < 0.15)
        let u = try Tensor<Float>.randomUniform(shape: [500], lower: -2, upper: 3, seed: 1)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
        // The stream is fixed by the seed on every platform.
        var g = SeededRandomGenerator(seed: 0)
        #expect(g.next() == 0x99EC5F36CB75F2B4)
    }

    @Test func broadcastingArithmetic() throws {
        let m = try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try (m + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (m * Tensor(shape: [2, 1], scalars: [2, 3])).scalars == [2, 4, 6, 12, 15, 18])
        #expect(try (Tensor(shape: [2, 1], scalars: [1, 2]) - Tensor(shape: [1, 3], scalars: [1, 2, 3])).scalars == [0, -1, -2, 1, 0, -1])
        #expect((m * 2).scalars == [2, 4, 6, 8, 10, 12])
        #expect((1 - m).scalars == [0, -1, -2, -3, -4, -5])
        #expect(throws: MetricLearningError.self) { try m + Tensor([1, 2]) }
        #expect(try Tensor.maximum(m, Tensor(3.5)).scalars == [3.5, 3.5, 3.5, 4, 5, 6])
    }

    @Test func reductionsAndLogSumExp() throws {
        let m = try Tensor<Double>(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(m.sum().scalars == [21])
        #expect(try m.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(try m.sum(alongAxis: 1).scalars == [9, 12])
        #expect(try m.max(alongAxis: 1).scalars == [5, 6])
        #expect(try m.min(alongAxis: 0).scalars == [1, 2, 3])
        #expect(try m.mean(alongAxis: 1).scalars == [3, 4])
        let lse = try m.logSumExp(alongAxis: 1, mask: [true, false, true, false, false, false], includingZero: true)
        expectClose(lse.scalars, [Double.log(1 + Double.exp(1) + Double.exp(3)), 0])
        let big = try Tensor<Double>(shape: [1, 2], scalars: [1000, 1000]).logSumExp(alongAxis: 1)
        expectClose(big.scalars, [1000 + Double.log(2)])
        let empty = try Tensor<Double>(shape: [1, 2], scalars: [1, 2]).logSumExp(alongAxis: 1, mask: [false, false])
        #expect(empty.scalars == [-.infinity])
        // Long sums use eight lanes; the result agrees with a plain sum.
        let long = try Tensor<Double>.randomNormal(shape: [1001], seed: 3)
        expectClose(long.sum().scalars, [long.scalars.reduce(0, +)], atol: 1e-12)
    }

    @Test func elementwiseMath() throws {
        let x = try Tensor<Double>(shape: [4], scalars: [-800, -1, 0, 800])
        #expect(x.relu().scalars == [0, 0, 0, 800])
        #expect(x.softplus().isFinite)
        expectClose(x.softplus().scalars, [0, Double.log1p(Double.exp(-1)), Double.log(2), 800])
        #expect(x.clamped(lower: -1, upper: 1).scalars == [-1, -1, 0, 1])
        #expect(x.abs().scalars == [800, 1, 0, 800])
    }

    @Test func indexingAndRows() throws {
        let m = try Tensor<Double>(shape: [3, 2], scalars: [3, 4, 0, 0, 1, 0])
        #expect(try m.gatheringRows([2, 0, 2]).scalars == [1, 0, 3, 4, 1, 0])
        #expect(try m.gatheringElements(rows: [0, 2], columns: [1, 0]).scalars == [4, 1])
        #expect(throws: MetricLearningError.self) { try m.gatheringRows([3]) }
        #expect(try m.rowNorms().scalars == [5, 0, 1])
        #expect(try m.normalizedRows().scalars == [0.6, 0.8, 0, 0, 1, 0])
        #expect(try m.transposed().scalars == [3, 0, 1, 4, 0, 0])
    }

    @Test func pairwiseDistances() throws {
        let x = try Tensor<Double>(shape: [2, 2], scalars: [0, 0, 3, 4])
        let y = try Tensor<Double>(shape: [3, 2], scalars: [0, 0, 3, 0, 6, 8])
        expectClose(try MetricLearning.pairwiseDistances(x, y).scalars, [0, 3, 10, 5, 4, 5], atol: 1e-12)
        expectClose(try pairwiseSquaredDistances(x, y).scalars, [0, 9, 100, 25, 16, 25], atol: 1e-12)
        #expect(try pairwiseDotProducts(x, y).scalars == [0, 0, 0, 0, 9, 50])
    }

    /// A matrix against itself converts only its upper triangle (inside the product, per row
    /// block) and mirrors it: it must equal the full computation against a copy, be exactly
    /// symmetric with a zero diagonal, and match direct sums, near-duplicate rows included, in
    /// both types.
    @Test(arguments: [5, 70, 300, 1100])
    func selfDistanceMatrixUsesItsSymmetry(n: Int) throws {
        func check<S: TensorScalar>(_: S.Type) throws {
            var scalars = try Tensor<S>.randomNormal(shape: [n, 9], seed: UInt64(n)).scalars
            for k in 0..<9 { scalars[9 + k] = scalars[k] + 1e-4 }  // rows 0 and 1 nearly equal
            let x = try Tensor<S>(shape: [n, 9], scalars: scalars)
            let copy = try Tensor<S>(shape: [n, 9], scalars: scalars.map { $0 })
            for root in [false, true] {
                let own = try DistanceMatrix.compute(x, x, root: root).scalars, full = try DistanceMatrix.compute(x, copy, root: root).scalars
                #expect(own == full, "\(S.self) n \(n) root \(root)")
                var (asymmetric, nonZeroDiagonal, far) = (0, 0, 0)
                for i in 0..<n {
                    if own[i * n + i] != 0 { nonZeroDiagonal += 1 }
                    for j in 0..<n where j != i {
                        if own[i * n + j] != own[j * n + i] { asymmetric += 1 }
                        var direct: Double = 0
                        for k in 0..<9 {
                            let d = Double(scalars[i * 9 + k] - scalars[j * 9 + k])
                            direct += d * d
                        }
                        let expected = root ? direct.squareRoot() : direct
                        if Swift.abs(Double(own[i * n + j]) - expected) > 1e-5 * Swift.max(1, expected) { far += 1 }
                    }
                }
                #expect(asymmetric == 0 && nonZeroDiagonal == 0 && far == 0, "\(S.self) n \(n) root \(root)")
            }
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// A visit bound to the task sees every entry right of the diagonal of a batch's matrix
    /// against itself once, with its final value, and no other matrix: the parts a miner
    /// selects pairs from while the matrix is computed (`DistanceMatrixVisit`).
    @Test(arguments: [5, 70, 300, 1100])
    func aVisitSeesTheUpperTriangleOnceWithItsFinalValues(n: Int) throws {
        let x = try Tensor<Float>.randomNormal(shape: [n, 9], seed: UInt64(n))
        final class Seen: @unchecked Sendable { var entries: [Int: Float] = [:]; let lock = DispatchQueue(label: "seen") }
        let seen = Seen()
        let visit = DistanceMatrixVisit(count: n) { matrix, rows, columns in
            let values = matrix.assumingMemoryBound(to: Float.self)
            var part: [Int: Float] = [:]
            for i in rows { for j in Swift.max(columns.lowerBound, i + 1)..<Swift.max(columns.upperBound, i + 1) { part[i * n + j] = values[i * n + j] } }
            seen.lock.sync { seen.entries.merge(part) { _, _ in .nan } }
        }
        let matrix = try DistanceMatrixVisit.$current.withValue(visit) {
            // Another shape and a matrix of two batches: not visited.
            _ = try DistanceMatrix.compute(x, Tensor<Float>.randomNormal(shape: [3, 9], seed: 1), root: false)
            return try DistanceMatrix.compute(x, x, root: false).scalars
        }
        #expect(visit.covered && seen.entries.count == n * (n - 1) / 2)
        #expect(seen.entries.allSatisfy { matrix[$0.key] == $0.value }, "n \(n)")
        // Computed twice under one visit: no longer once, so not covered.
        let twice = DistanceMatrixVisit(count: n) { _, _, _ in }
        try DistanceMatrixVisit.$current.withValue(twice) { for _ in 0..<2 { _ = try DistanceMatrix.compute(x, x, root: true) } }
        #expect(!twice.covered)
    }
}

@Suite("Vector exponential")
struct VectorExponentialTests {
    @Test func floatAgreesWithLibm() {
        var values: [Float] = stride(from: -110, through: 90, by: 0.0137).map { Float($0) }
        values += [0, -0.0, .infinity, -.infinity, 1e-30, -1e-30, 88.7, -87.3, -100]
        var out = values
        out.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(values, out) {
            let expected = Float.exp(x)
            if expected == 0 || expected.isInfinite {
                #expect(y == expected || Swift.abs(y) < 1e-37, "exp(\(x)) = \(y), libm \(expected)")
            } else if expected < 1e-37 {
                #expect(Swift.abs(y - expected) < 714 * Float.leastNonzeroMagnitude, "exp(\(x)) = \(y), libm \(expected)")
            } else {
                #expect(Swift.abs(y - expected) <= 4e-7 * expected, "exp(\(x)) = \(y), libm \(expected)")
            }
        }
        var nan: [Float] = [.nan]
        nan.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: 1) }
        #expect(nan[0].isNaN)
    }
}
