import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Degenerate but valid batches give finite values and gradients (zero where there are
/// no terms); bad input throws a `MetricLearningError` that names the problem.
@Suite("Degenerate batches and bad input")
struct DegenerateAndBadInputTests {

    /// (name, embeddings, labels, whether the batch has any pair of each kind).
    static func degenerateBatches() -> [(String, Tensor<Double>, [Int])] {
        let x: Tensor<Double> = randomMatrix(6, 4, seed: 1)
        let duplicated = try! Tensor<Double>(shape: [6, 4], scalars: Array(x.scalars[0..<8]) + Array(x.scalars[0..<8]) + Array(x.scalars[0..<8]))
        return [
            ("one sample", try! Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]), [0]),
            ("one class", x, [3, 3, 3, 3, 3, 3]),
            ("all labels distinct", x, [0, 1, 2, 3, 4, 5]),
            ("duplicate embeddings", duplicated, [0, 1, 0, 1, 0, 1]),
            ("zero vectors", try! Tensor<Double>.zeros(shape: [6, 4]), [0, 0, 1, 1, 2, 2]),
            ("magnitude 1e6", x * 1e6, [0, 0, 1, 1, 2, 2]),
            ("magnitude 1e-30", x * 1e-30, [0, 0, 1, 1, 2, 2]),
        ]
    }

    @Test(arguments: Registry.metricLossNames) func metricLossIsFiniteOnDegenerateBatches(name: String) throws {
        let entry = Registry.metricLoss(name), loss = entry.object
        for (batch, x, suiteLabels) in Self.degenerateBatches() {
            let labels = entry.traits.labels(suiteLabels)
            let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
            #expect(value.isFinite && gradient.isFinite, "\(name) on \(batch): \(value)")
            #expect(gradient.shape == x.shape)
            let hasPositive = Set(labels).count < labels.count
            let hasNegative = Set(labels).count > 1
            // Triplet-based losses have no term without both a positive and a negative.
            if entry.traits.contains(.needsTriplets) && !(hasPositive && hasNegative) {
                #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 }, "\(name) on \(batch): no terms must give 0")
            }
            // Empty mined tuples: 0 with a zero gradient (a penalty on the embeddings remains, finite; a loss without tuples throws).
            for empty in [MinedTuples.triplets([]), .pairs(positive: [], negative: [])] {
                if entry.traits.contains(.noTuples) {
                    Self.expectError(.invalidTuples, mentioning: "tuples") { _ = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: empty) }
                    continue
                }
                let (v, g) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: empty)
                if entry.traits.contains(.regularized) {
                    #expect(v.isFinite && g.isFinite, "\(name) on \(batch) with empty tuples")
                } else {
                    #expect(v == 0 && g.scalars.allSatisfy { $0 == 0 }, "\(name) on \(batch) with empty tuples")
                }
            }
        }
    }

    @Test(arguments: Registry.classifierLossNames) func classifierLossIsFiniteOnDegenerateBatches(name: String) throws {
        let loss = Registry.classifierLoss(name).object
        let w = try loss.initialWeights(classCount: 6, embeddingSize: 4, seed: 2)
        for (batch, x, labels) in Self.degenerateBatches() {
            for weights in [w, try Tensor<Double>.zeros(shape: w.shape), w * 1e6] {
                let r = try loss.valueWithGradient(embeddings: x, weights: weights, labels: labels)
                #expect(r.value.isFinite && r.embeddingsGradient.isFinite && r.weightsGradient.isFinite, "\(name) on \(batch)")
            }
        }
    }

    static func expectError(_ kind: MetricLearningError.Kind, mentioning text: String, _ body: () throws -> Void,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected \(kind) error mentioning \(text)", sourceLocation: sourceLocation)
        } catch let error as MetricLearningError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Registry.metricLossNames) func metricLossRejectsBadInput(name: String) {
        let loss = Registry.metricLoss(name).object
        let x: Tensor<Double> = randomMatrix(4, 3, seed: 1)
        Self.expectError(.invalidLabels, mentioning: "3 labels") { _ = try loss.valueWithGradient(embeddings: x, labels: [0, 1, 0]) }
        Self.expectError(.emptyInput, mentioning: "empty") { _ = try loss.valueWithGradient(embeddings: try .zeros(shape: [0, 3]), labels: []) }
        Self.expectError(.emptyInput, mentioning: "zero width") { _ = try loss.valueWithGradient(embeddings: try .zeros(shape: [2, 0]), labels: [0, 1]) }
        var bad = x
        bad[1, 2] = .nan
        Self.expectError(.nonFiniteInput, mentioning: "[1, 2]") { _ = try loss.valueWithGradient(embeddings: bad, labels: [0, 1, 0, 1]) }
        bad[1, 2] = .infinity
        Self.expectError(.nonFiniteInput, mentioning: "inf") { _ = try loss.valueWithGradient(embeddings: bad, labels: [0, 1, 0, 1]) }
        Self.expectError(.invalidTuples, mentioning: "9") {
            _ = try loss.valueWithGradient(embeddings: x, labels: [0, 1, 0, 1], tuples: .triplets([IndexTriplet(anchor: 0, positive: 2, negative: 9)]))
        }
        Self.expectError(.shapeMismatch, mentioning: "[12]") { _ = try loss.valueWithGradient(embeddings: try x.reshaped(to: [12]), labels: [0]) }
    }

    @Test(arguments: Registry.classifierLossNames) func classifierLossRejectsBadInput(name: String) throws {
        let loss = Registry.classifierLoss(name).object
        let x: Tensor<Double> = randomMatrix(4, 3, seed: 1)
        let w = try loss.initialWeights(classCount: 5, embeddingSize: 3, seed: 2)
        // One more row and column than the loss's own layout: the width no longer fits.
        let (rows, columns) = (w.shape[0] + 1, w.shape[1] + 1)
        Self.expectError(.shapeMismatch, mentioning: "[\(rows), \(columns)]") {
            _ = try loss.valueWithGradient(embeddings: x, weights: randomMatrix(rows, columns, seed: 1), labels: [0, 1, 2, 3])
        }
        Self.expectError(.invalidLabels, mentioning: "label 5") { _ = try loss.valueWithGradient(embeddings: x, weights: w, labels: [0, 1, 5, 3]) }
        Self.expectError(.invalidLabels, mentioning: "label -1") { _ = try loss.valueWithGradient(embeddings: x, weights: w, labels: [0, -1, 2, 3]) }
        Self.expectError(.invalidLabels, mentioning: "2 labels") { _ = try loss.valueWithGradient(embeddings: x, weights: w, labels: [0, 1]) }
        var badW = w
        badW[0, 0] = .nan
        Self.expectError(.nonFiniteInput, mentioning: "weight [0, 0]") { _ = try loss.valueWithGradient(embeddings: x, weights: badW, labels: [0, 1, 2, 3]) }
    }

    @Test func hyperparametersOutOfRangeThrow() {
        let x: Tensor<Double> = randomMatrix(4, 3, seed: 1)
        let w: Tensor<Double> = randomMatrix(3, 2, seed: 2)
        let labels = [0, 1, 0, 1]
        Self.expectError(.invalidParameter, mentioning: "margin = 0") {
            _ = try LargeMarginSoftmaxLoss<Double>(margin: 0).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "margin = -2") {
            _ = try AngularSoftmaxLoss<Double>(margin: -2).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "scale") {
            _ = try AngularSoftmaxLoss<Double>(margin: 2, scale: 0).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "lambda") {
            _ = try LargeMarginSoftmaxLoss<Double>(margin: 2, lambda: -1).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "overlap = 1") {
            _ = try ExponentialTripletLoss<Double>(overlap: 1).valueWithGradient(embeddings: x, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "alpha = -2") {
            _ = try MultiSimilarityLoss<Double>(alpha: -2).valueWithGradient(embeddings: x, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "beta = 0") {
            _ = try MultiSimilarityLoss<Double>(beta: 0).valueWithGradient(embeddings: x, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "alphaDegrees = 90") {
            _ = try AngularLoss<Double>(alphaDegrees: 90).valueWithGradient(embeddings: x, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "margin = -0.5") {
            _ = try MultiClassHingeLoss<Double>(margin: -0.5).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
    }

    /// NaN or infinite hyperparameters would make every term NaN or every comparison false,
    /// silently; each loss, miner, reducer and combination names the one it got.
    @Test func nonFiniteHyperparametersThrow() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1)
        let w: Tensor<Double> = randomMatrix(3, 2, seed: 2)
        let labels = [0, 1, 0, 1, 0, 1]
        let losses: [(String, any MetricLoss<Double>)] = [
            ("positiveMargin = nan", ContrastiveLoss(positiveMargin: .nan)),
            ("negativeMargin = inf", ContrastiveLoss(negativeMargin: .infinity)),
            ("margin = nan", TripletMarginLoss(margin: .nan)),
            ("beta = inf", MarginLoss(beta: .infinity)),
            ("base = nan", MultiSimilarityLoss(base: .nan)),
            ("weight = nan of part 1", CombinedMetricLoss([(1, TripletMarginLoss()), (.nan, ContrastiveLoss())])),
            ("low...high = 1.0...0.0", TripletMarginLoss(reducer: ThresholdReducer(low: 1, high: 0))),
            ("low...high = nan...inf", ContrastiveLoss(reducer: ThresholdReducer(low: .nan))),
            ("weights[1] = nan", TripletMarginLoss(reducer: ClassWeightedReducer(weights: [1, .nan]))),
            ("weights[0] = inf", ContrastiveLoss(reducer: PerAnchorReducer(reducer: ClassWeightedReducer(weights: [.infinity, 1])))),
        ]
        for (message, loss) in losses {
            Self.expectError(.invalidParameter, mentioning: message) { _ = try loss.valueWithGradient(embeddings: x, labels: labels) }
        }
        let miners: [(String, any Miner<Double>)] = [
            ("margin = nan", TripletMarginMiner(margin: .nan, type: .semihard)),
            ("epsilon = inf", MultiSimilarityMiner(epsilon: .infinity)),
            ("negativeMargin = nan", PairMarginMiner(negativeMargin: .nan)),
            ("nonzeroLossCutoff = inf", DistanceWeightedMiner(nonzeroLossCutoff: .infinity)),
        ]
        for (message, miner) in miners {
            Self.expectError(.invalidParameter, mentioning: message) { _ = try miner.mine(x, labels: labels) }
        }
        Self.expectError(.invalidParameter, mentioning: "miner margin = nan") {
            _ = try TripletMarginLoss<Double>().valueWithGradient(embeddings: x, labels: labels, minedBy: TripletMarginMiner(margin: .nan))
        }
        Self.expectError(.invalidParameter, mentioning: "miner epsilon = nan") {
            _ = try MultiSimilarityLoss<Double>().valueWithGradient(embeddings: x, labels: labels, minedBy: MultiSimilarityMiner(epsilon: .nan))
        }
        Self.expectError(.invalidParameter, mentioning: "margin = inf") {
            _ = try MultiClassHingeLoss<Double>(margin: .infinity).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "lambda = nan") {
            _ = try LargeMarginSoftmaxLoss<Double>(margin: 2, lambda: .nan).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "weight = inf of part 0") {
            _ = try CombinedClassifierLoss<Double>([(.infinity, SoftmaxCrossEntropyLoss())]).valueWithGradient(embeddings: x, weights: w, labels: labels)
        }
        Self.expectError(.invalidParameter, mentioning: "radius = 0") {
            _ = try valueWithGradient(at: x) { UnitBallProjection(radius: 0)($0).sum() }
        }
    }

    @Test func minersHandleDegenerateBatches() throws {
        let entries = Registry.miners() as [RegistryEntry<any Miner<Double>>]
        for (batch, x, labels) in Self.degenerateBatches() {
            for entry in entries {
                let miner = entry.object
                if entry.traits.contains(.readsLayout) {
                    // The layout, not the labels: one triplet per three rows, and no packaging of one row.
                    if labels.count % 3 == 0 {
                        #expect(try miner.mine(x, labels: labels).count == labels.count / 3, "\(entry.name) on \(batch)")
                    } else {
                        #expect(throws: MetricLearningError.self, "\(entry.name) on \(batch)") { try miner.mine(x, labels: labels) }
                    }
                    continue
                }
                let tuples = try miner.mine(x, labels: labels)
                if Set(labels).count == 1 || Set(labels).count == labels.count {
                    // No positive, or no negative: no triplet and no pair of the missing kind.
                    switch tuples {
                    case .triplets(let t): #expect(t.isEmpty, "\(type(of: miner)) on \(batch)")
                    case .pairs(let p, let n):
                        if Set(labels).count == labels.count { #expect(p.isEmpty, "\(type(of: miner)) on \(batch)") }
                        if Set(labels).count == 1 { #expect(n.isEmpty, "\(type(of: miner)) on \(batch)") }
                    }
                }
            }
        }
        #expect(throws: MetricLearningError.self) { try BatchHardMiner<Double>().mine(randomMatrix(3, 2, seed: 1), labels: [0, 1]) }
    }
}
