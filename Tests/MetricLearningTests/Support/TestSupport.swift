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

/// A pair loss over every pair listed equals its row form that never lists them, alone and
/// against references (every pair of the batch against them, as their pairing lists them).
func expectListedPairsEqualRowForm(_ loss: any MetricLoss<Double>, _ name: String, x: Tensor<Double>, labels: [Int],
                                   references: Tensor<Double>, referenceLabels: [Int],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (rows, rowsGradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
    let (listed, listedGradient) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: .allPairs(labels: labels))
    expectClose([listed], [rows], atol: 1e-12, rtol: 1e-10, name, sourceLocation: sourceLocation)
    expectClose(listedGradient.scalars, rowsGradient.scalars, atol: 1e-12, rtol: 1e-10, name, sourceLocation: sourceLocation)

    let pairing = ReferencePairing(labels: labels, referenceLabels: referenceLabels, selfOffset: nil)
    let a = try loss.valueWithGradients(embeddings: x, labels: labels, references: references, referenceLabels: referenceLabels)
    let b = try loss.valueWithGradients(embeddings: x, labels: labels, references: references, referenceLabels: referenceLabels,
                                        tuples: pairing.allPairs())
    let what = "\(name) against references"
    expectClose([b.value], [a.value], atol: 1e-12, rtol: 1e-10, what, sourceLocation: sourceLocation)
    expectClose(b.embeddingsGradient.scalars, a.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, what, sourceLocation: sourceLocation)
    expectClose(b.referencesGradient.scalars, a.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, what, sourceLocation: sourceLocation)
}

/// A loss's path for a batch against itself (the rows computed in the buffer of the Gram or
/// distance matrix, whose gradient is made symmetric) equals the matrix path of a separate
/// copy, over several tiles and a partial one.
func expectGramPathEqualsMatrixPath(_ loss: any MetricLoss<Double>, _ name: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
    let x: Tensor<Double> = randomMatrix(150, 7, seed: 93)
    let labels = (0..<150).map { ($0 * 11) % 19 }
    let copy = Tensor(uncheckedShape: x.shape, scalars: x.scalars.map { $0 + 0 })
    let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
    let (split, gradients) = try valueWithGradient(at: [x, copy]) { v in
        try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: labels, selfOffset: 0), tuples: nil)
    }
    expectClose([split], [value], atol: 1e-12, rtol: 1e-10, name, sourceLocation: sourceLocation)
    expectClose(try (gradients[0] + gradients[1]).scalars, gradient.scalars, atol: 1e-12, rtol: 1e-9, name, sourceLocation: sourceLocation)
}

/// Records an issue for each named bundled PML case that is missing, differs or cannot run.
func expectFixtureCasesMatch(_ names: [String]) {
    for name in names {
        guard let c = FixtureRunner.cases.first(where: { $0.entry.name == name }) else {
            Issue.record("no case \(name)")
            continue
        }
        switch FixtureRunner.run(c.entry) {
        case .match: break
        case .mismatch(let report): Issue.record("\(name): \(report)")
        case .unsupported(let reason): Issue.record("\(name) cannot run: \(reason)")
        }
    }
}
