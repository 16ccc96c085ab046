import Foundation
import Testing
import MetricLearning
import MetricLearningTesting
import MetricLearningRegistry

/// ArcFace, CosFace, sub-centre ArcFace and the normalised softmax beyond the registry suites:
/// PML cases the catalogue lacks, how the losses relate, ArcFace where cos θ = ±1, PML's
/// `get_outliers`, and hyperparameters out of range.
@Suite("Margin softmax losses")
struct MarginSoftmaxTests {
    /// The cases of `margin_softmax.json` (Scripts/make_margin_softmax_fixture.py).
    static let extraCases: [ReferenceFile.Entry] = {
        let url = Bundle.module.url(forResource: "margin_softmax", withExtension: "json", subdirectory: "Fixtures")!
        return try! ReferenceFile.load(contentsOf: url).entries
    }()

    static func extraCase(_ name: String) throws -> MetricLearningTesting.ReferenceCase {
        try extraCases.first { $0.name == name }!.get()
    }

    /// ArcFace past π − m, other margins, scales, temperatures and sub-centre counts, a wider
    /// batch, SparseCentersRegularizer and a default weight_reg_weight, through the fixture runner.
    @Test(arguments: extraCases.map { $0.name ?? "" }) func pmlCaseMatches(name: String) {
        switch FixtureRunner.run(Self.extraCases.first { $0.name == name }!) {
        case .match: break
        case .mismatch(let report): Issue.record("\(name): \(report)")
        case .unsupported(let reason): Issue.record("\(name) cannot run: \(reason)")
        }
    }

    @Test func marginsOfZeroAreTheNormalizedSoftmax() throws {
        let x: Tensor<Double> = randomMatrix(10, 5, seed: 3), w: Tensor<Double> = randomMatrix(5, 4, seed: 4)
        let labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
        let reference = try NormalizedSoftmaxLoss<Double>(temperature: 0.25).valueWithGradient(embeddings: x, weights: w, labels: labels)
        let losses: [any ClassifierLoss<Double>] = [ArcFaceLoss(margin: 0, scale: 4), CosFaceLoss(margin: 0, scale: 4),
                                                    SubCenterArcFaceLoss(margin: 0, scale: 4, subCenters: 1)]
        for loss in losses {
            let r = try loss.valueWithGradient(embeddings: x, weights: w, labels: labels)
            expectClose([r.value], [reference.value], atol: 1e-12, rtol: 1e-12, "\(loss)")
            expectClose(r.embeddingsGradient.scalars + r.weightsGradient.scalars,
                        reference.embeddingsGradient.scalars + reference.weightsGradient.scalars, atol: 1e-12, rtol: 1e-10, "\(loss)")
        }
    }

    /// A class whose k sub-centres are one vector repeated is that vector: sub-centre ArcFace
    /// equals ArcFace, and the gradient of the repeats goes to the first of them.
    @Test func repeatedSubCentresAreOneClassWeight() throws {
        let x: Tensor<Double> = randomMatrix(9, 4, seed: 5), w: Tensor<Double> = randomMatrix(4, 3, seed: 6)
        let labels = [0, 1, 2, 0, 1, 2, 2, 1, 0]
        let repeated = try Tensor<Double>(shape: [4, 6], scalars: w.scalars.flatMap { [$0, $0] })
        let plain = try ArcFaceLoss<Double>().valueWithGradient(embeddings: x, weights: w, labels: labels)
        let sub = try SubCenterArcFaceLoss<Double>(subCenters: 2).valueWithGradient(embeddings: x, weights: repeated, labels: labels)
        expectClose([sub.value], [plain.value], atol: 1e-12, rtol: 1e-12)
        expectClose(sub.embeddingsGradient.scalars, plain.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10)
        let firsts = stride(from: 0, to: 24, by: 2).map { sub.weightsGradient.scalars[$0] }
        let seconds = stride(from: 1, to: 24, by: 2).map { sub.weightsGradient.scalars[$0] }
        expectClose(firsts, plain.weightsGradient.scalars, atol: 1e-12, rtol: 1e-10)
        #expect(seconds.allSatisfy { $0 == 0 })
    }

    /// One-wide embeddings make every cosine ±1, where ψ′ of cos(θ + m) is infinite: the
    /// value is PML's and the gradient finite.
    @Test func arcFaceAtCosinesOfPlusMinusOne() throws {
        let x = try Tensor<Double>(shape: [3, 1], scalars: [1, -2, 3]), w = try Tensor<Double>(shape: [1, 2], scalars: [0.5, -1])
        let labels = [0, 0, 1]
        let (m, s) = (28.6 * Double.pi / 180, 64.0)
        // Targets: θ = 0 (cos(m)), θ = π (beyond π − m: −1 − m·sin m), θ = π.
        let logits: [[Double]] = [[cos(m), -1], [-1 - m * sin(m), 1], [1, -1 - m * sin(m)]]
        let expected = zip(logits, labels).map { z, y in log(z.map { exp(s * $0) }.reduce(0, +)) - s * z[y] }.reduce(0, +) / 3
        for loss in [ArcFaceLoss<Double>(), SubCenterArcFaceLoss<Double>(subCenters: 1)] as [any ClassifierLoss<Double>] {
            let r = try loss.valueWithGradient(embeddings: x, weights: w, labels: labels)
            expectClose([r.value], [expected], atol: 1e-9, rtol: 1e-12)
            #expect(r.embeddingsGradient.isFinite && r.weightsGradient.isFinite)
        }
        let f = try ArcFaceLoss<Float>().valueWithGradient(embeddings: try Tensor(shape: [3, 1], scalars: [1, -2, 3]),
                                                           weights: try Tensor(shape: [1, 2], scalars: [0.5, -1]), labels: labels)
        #expect(f.value.isFinite && f.embeddingsGradient.isFinite && f.weightsGradient.isFinite)
    }

    /// PML's `get_outliers` on `subcenter_arcface_32x8_5_classes` (ties in the sub-centre
    /// counts of classes 0 and 3 go to the first).
    @Test func outliersAreThoseOfPML() throws {
        let c = try Self.extraCase("subcenter_arcface_32x8_5_classes")
        let (labels, weights) = (c.labels ?? [], c.parameters[0].value)
        let loss = SubCenterArcFaceLoss<Double>()
        let at75 = try loss.outliers(embeddings: c.embeddings, labels: labels, weights: weights)
        #expect(at75.indices == [9, 13, 14, 16, 27, 18, 22, 25, 29, 31, 4, 7, 11, 15, 1, 2, 3, 6, 10, 12, 20, 30])
        #expect(at75.dominantSubCenters == [0, 1, 2, 1, 2])
        let columns = (0..<5).map { label in (0..<8).map { weights[$0, label * 3 + at75.dominantSubCenters[label]!] } }
        #expect(at75.dominantCenters.shape == [8, 5])
        #expect((0..<5).allSatisfy { label in (0..<8).map { at75.dominantCenters[$0, label] } == columns[label] })
        let at85 = try loss.outliers(embeddings: c.embeddings, labels: labels, weights: weights, thresholdDegrees: 85)
        #expect(at85.indices == [9, 14, 18, 22, 25, 29, 4, 7, 1, 2, 3, 6, 12, 20, 30])
        #expect(at85.dominantCenters == at75.dominantCenters)

        // A class without samples has no dominant sub-centre and a zero column.
        let some = [0, 2, 5, 9], rows = try c.embeddings.gatheringRows(some)
        let partial = try loss.outliers(embeddings: rows, labels: some.map { labels[$0] }, weights: weights)
        #expect(partial.dominantSubCenters.compactMap { $0 }.count == Set(some.map { labels[$0] }).count)
        for label in 0..<5 where partial.dominantSubCenters[label] == nil {
            #expect((0..<8).allSatisfy { partial.dominantCenters[$0, label] == 0 })
        }
    }

    @Test func badHyperparametersAndShapesThrow() throws {
        let x: Tensor<Double> = randomMatrix(4, 3, seed: 1), w: Tensor<Double> = randomMatrix(3, 2, seed: 2)
        let w6: Tensor<Double> = randomMatrix(3, 6, seed: 2), labels = [0, 1, 0, 1]
        func expectError(_ kind: MetricLearningError.Kind, _ text: String, _ loss: any ClassifierLoss<Double>, weights: Tensor<Double>? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) {
            DegenerateAndBadInputTests.expectError(kind, mentioning: text, {
                _ = try loss.valueWithGradient(embeddings: x, weights: weights ?? w, labels: labels)
            }, sourceLocation: sourceLocation)
        }
        expectError(.invalidParameter, "margin = nan", ArcFaceLoss(margin: .nan))
        expectError(.invalidParameter, "margin = 180", ArcFaceLoss(margin: 180))
        expectError(.invalidParameter, "margin = -1", ArcFaceLoss(margin: -1))
        expectError(.invalidParameter, "scale = 0", ArcFaceLoss(scale: 0))
        expectError(.invalidParameter, "scale = inf", ArcFaceLoss(scale: .infinity))
        expectError(.invalidParameter, "margin = -0.1", CosFaceLoss(margin: -0.1))
        expectError(.invalidParameter, "scale = -64", CosFaceLoss(scale: -64))
        expectError(.invalidParameter, "temperature = 0", NormalizedSoftmaxLoss(temperature: 0))
        expectError(.invalidParameter, "temperature = nan", NormalizedSoftmaxLoss(temperature: .nan))
        expectError(.invalidParameter, "subCenters = 0", SubCenterArcFaceLoss(subCenters: 0), weights: w6)
        expectError(.invalidParameter, "margin = 200", SubCenterArcFaceLoss(margin: 200), weights: w6)
        expectError(.shapeMismatch, "C·3", SubCenterArcFaceLoss(), weights: randomMatrix(3, 4, seed: 3))
        expectError(.invalidLabels, "label 1 is outside 0..<1", SubCenterArcFaceLoss(), weights: randomMatrix(3, 3, seed: 3))
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "thresholdDegrees = nan") {
            _ = try SubCenterArcFaceLoss<Double>().outliers(embeddings: x, labels: labels, weights: w6, thresholdDegrees: .nan)
        }
        DegenerateAndBadInputTests.expectError(.invalidLabels, mentioning: "label 2") {
            _ = try SubCenterArcFaceLoss<Double>().outliers(embeddings: x, labels: [0, 2, 0, 1], weights: w6)
        }
        DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "subCenters = -1") {
            _ = try SubCenterArcFaceLoss<Double>(subCenters: -1).initialWeights(classCount: 3, embeddingSize: 2, seed: 0)
        }
    }

    @Test func initialWeightsArePMLsLayouts() throws {
        #expect(try ArcFaceLoss<Float>().initialWeights(classCount: 10, embeddingSize: 4, seed: 1).shape == [4, 10])
        #expect(try NormalizedSoftmaxLoss<Float>().initialWeights(classCount: 10, embeddingSize: 4, seed: 1).shape == [4, 10])
        let sub = try SubCenterArcFaceLoss<Float>().initialWeights(classCount: 10, embeddingSize: 4, seed: 1)
        #expect(sub.shape == [4, 30])
        #expect(try SubCenterArcFaceLoss<Float>().initialWeights(classCount: 10, embeddingSize: 4, seed: 1) == sub)
    }
}
