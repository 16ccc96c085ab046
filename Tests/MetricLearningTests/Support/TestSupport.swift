import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// A reproducible random matrix for tests.
func randomMatrix<S: TensorScalar>(_ rows: Int, _ columns: Int, seed: UInt64, scale: S = 1) -> Tensor<S> {
    try! Tensor<S>.randomNormal(shape: [rows, columns], standardDeviation: scale, seed: seed)
}

/// The naive triple-loop product, the oracle for the blocked kernel.
func naiveProduct(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m { for p in 0..<k { let x = a.scalars[i * k + p]; for j in 0..<n { out[i * n + j] += x * b.scalars[p * n + j] } } }
    return try! Tensor(shape: [m, n], scalars: out)
}

/// Asserts |a − b| ≤ atol + rtol·|b| elementwise.
func expectClose<S: TensorScalar>(_ a: [S], _ b: [S], atol: Double = 1e-8, rtol: Double = 1e-6,
                                  _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) elements", sourceLocation: sourceLocation)
    for (i, (x, y)) in zip(a, b).enumerated() {
        let (dx, dy) = (Double(x), Double(y))
        if !(Swift.abs(dx - dy) <= atol + rtol * Swift.abs(dy)) {
            Issue.record("\(what): element \(i): \(dx) vs expected \(dy)", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Asserts that a gradient check passes in Double at tight tolerances.
func expectGradientsMatch(_ inputs: [Tensor<Double>], atol: Double = 1e-6, rtol: Double = 1e-5,
                          sourceLocation: SourceLocation = #_sourceLocation,
                          _ f: ([Variable<Double>]) throws -> Variable<Double>) throws {
    let report = try checkGradients(at: inputs, in: f)
    #expect(report.elements.count == inputs.map(\.count).reduce(0, +), sourceLocation: sourceLocation)
    #expect(report.isWithin(absoluteTolerance: atol, relativeTolerance: rtol), "\(report)", sourceLocation: sourceLocation)
}
