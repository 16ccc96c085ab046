import Foundation
import Testing
import MetricLearning
import MetricLearningTesting

/// NPairs, NCA and FastAP beyond the catalogue's default cases, against PML 2.9 (float64,
/// `Fixtures/npairs_nca_fastap.json`, from `Scripts/make_npairs_nca_fastap_cases.py`): mined
/// tuples as NCA's and FastAP's per-anchor weights, NCA against references, NPairs' one pair
/// per label from mined tuples, other distances, reducers and bin counts. Every case must run.
@Suite("NPairs, NCA and FastAP against PML")
struct NPairsNCAFastAPTests {
    static let cases: [ReferenceFile.Entry] = {
        let url = Bundle.module.url(forResource: "npairs_nca_fastap", withExtension: "json", subdirectory: "Fixtures")!
        return (try! ReferenceFile.load(contentsOf: url)).entries
    }()

    @Test(arguments: cases) func matchesPML(_ entry: ReferenceFile.Entry) {
        switch FixtureRunner.run(entry) {
        case .match: break
        case .mismatch(let report): Issue.record("\(entry): \(report)")
        case .unsupported(let reason): Issue.record("\(entry) cannot run: \(reason)")
        }
    }

    /// An empty tuple list is no terms (PML would weigh every anchor 1 and use every pair).
    @Test func emptyTuplesGiveZero() throws {
        let x: Tensor<Double> = randomMatrix(10, 4, seed: 5)
        let labels = (0..<10).map { $0 % 3 }
        for loss in [NCALoss<Double>(), FastAPLoss<Double>()] as [any MetricLoss<Double>] {
            let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: .pairs(positive: [], negative: []))
            #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 }, "\(type(of: loss))")
        }
    }

    @Test func badHyperparametersThrow() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1)
        let labels = [0, 1, 0, 1, 0, 1]
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "softmaxScale = 0") {
            _ = try NCALoss<Double>(softmaxScale: 0).valueWithGradient(embeddings: x, labels: labels)
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "softmaxScale = nan") {
            _ = try NCALoss<Double>(softmaxScale: .nan).valueWithGradient(embeddings: x, labels: labels)
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "binCount = 0") {
            _ = try FastAPLoss<Double>(binCount: 0).valueWithGradient(embeddings: x, labels: labels)
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "L2-normalised") {
            _ = try FastAPLoss<Double>(distance: CosineSimilarity()).valueWithGradient(embeddings: x, labels: labels)
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "L2-normalised") {
            _ = try FastAPLoss<Double>(distance: EuclideanDistance(normalizesEmbeddings: false)).valueWithGradient(embeddings: x, labels: labels)
        }
    }

    /// The Gram path (a batch against itself) equals the matrix path (a copy as references),
    /// also with a row too short to normalise to unit length, and with a row whose norm
    /// overflows (normalised to zeros, not to unit length), both of which must leave the Gram path.
    @Test(arguments: ["none", "short", "overflowing"]) func gramPathEqualsMatrixPath(_ oddRow: String) throws {
        var x: Tensor<Double> = randomMatrix(12, 5, seed: 9)
        let labels = (0..<12).map { $0 % 4 }
        if oddRow == "short" { for j in 0..<5 { x[3, j] *= 1e-14 } }
        if oddRow == "overflowing" { for j in 0..<5 { x[3, j] = (j % 2 == 0 ? 1 : -1) * 1e308 } }
        for loss in [NCALoss<Double>(softmaxScale: 3), FastAPLoss<Double>(binCount: 13)] as [any MetricLoss<Double>] {
            let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
            let copy = Tensor(uncheckedShape: x.shape, scalars: x.scalars.map { $0 + 0 })
            let (split, gradients) = try valueWithGradient(at: [x, copy]) { v in
                try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: labels, selfOffset: 0), tuples: nil)
            }
            expectClose([split], [value], atol: 1e-12, rtol: 1e-10, "\(type(of: loss)) odd row: \(oddRow)")
            expectClose(try (gradients[0] + gradients[1]).scalars, gradient.scalars, atol: 1e-9, rtol: 1e-7, "\(type(of: loss)) odd row: \(oddRow)")
        }
    }
}
