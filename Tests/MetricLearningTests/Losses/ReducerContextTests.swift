import Testing
import MetricLearning
@testable import TensorCore

/// What losses hand their reducers (`LossTerms`: kind, anchors, labels, sub-loss name) and
/// the reducers that read it: per-anchor, class-weighted, per-sub-loss, divisor, do-nothing.
@Suite("Reducers that read the terms' context")
struct ReducerContextTests {
    static let x: Tensor<Double> = randomMatrix(10, 4, seed: 71)
    static let labels = [0, 1, 2, 0, 1, 2, 0, 1, 3, 3]

    /// The terms `loss` hands a `DoNothingReducer`, and the loss's value.
    static func recorded(_ loss: any MetricLoss<Double>, tuples: MinedTuples? = nil) throws -> (value: Double, terms: [LossTerms<Double>]) {
        let (value, terms) = try DoNothingReducer<Double>.recording { try loss(Variable(x), labels: labels, tuples: tuples) }
        return (try value.checked().value.scalars[0], terms)
    }

    @Test func lossesNameTheirTermsAsPML() throws {
        let (value, terms) = try Self.recorded(ContrastiveLoss(reducer: DoNothingReducer()))
        #expect(terms.map(\.name) == ["pos_loss", "neg_loss"] && terms.map(\.kind) == [.positivePair, .negativePair])
        expectClose([value], [terms.map { $0.values.value.sum().scalars[0] }.reduce(0, +)], atol: 1e-14, rtol: 1e-14, "the sum of the terms")
        for t in terms {
            #expect(t.anchors.count == t.count && t.others.count == t.count && t.labels == Self.labels)
            let positive = t.kind == .positivePair
            #expect(zip(t.anchors, t.others).allSatisfy { (Self.labels[Int($0)] == Self.labels[Int($1)]) == positive && $0 != $1 })
        }
        let kinds: [(any MetricLoss<Double>, LossTerms<Double>.Kind, Int)] = [
            (TripletMarginLoss(reducer: DoNothingReducer()), .triplet, Self.allTripletCount),
            (MultiSimilarityLoss(reducer: DoNothingReducer()), .element, 10),
            (CircleLoss(reducer: DoNothingReducer()), .element, 10),
            (SupConLoss(reducer: DoNothingReducer()), .element, 10),
            (NTXentLoss(reducer: DoNothingReducer()), .positivePair, Self.positivePairCount),
            (AngularLoss(reducer: DoNothingReducer()), .positivePair, Self.positivePairCount),
        ]
        for (loss, kind, count) in kinds {
            let terms = try Self.recorded(loss).terms
            #expect(terms.count == 1 && terms[0].name == "loss" && terms[0].kind == kind && terms[0].count == count, "\(type(of: loss))")
            #expect(try terms[0].checkedAnchors(needsLabels: true).count == count, "\(type(of: loss))")
        }
    }

    static var positivePairCount: Int { labels.indices.map { i in labels.indices.filter { $0 != i && labels[$0] == labels[i] }.count }.reduce(0, +) }
    static var allTripletCount: Int {
        labels.indices.map { i in
            labels.indices.filter { $0 != i && labels[$0] == labels[i] }.count * labels.filter { $0 != labels[i] }.count
        }.reduce(0, +)
    }

    /// NT-Xent's pairs, listed or every pair, come with their anchors and other rows.
    @Test func pairTermsNameTheirPairs() throws {
        let dense = try Self.recorded(NTXentLoss(reducer: DoNothingReducer())).terms[0]
        let all = MinedTuples.allPairs(labels: Self.labels)
        let listed = try Self.recorded(NTXentLoss(reducer: DoNothingReducer()), tuples: all).terms[0]
        #expect(dense.anchors == listed.anchors && dense.others == listed.others)
        expectClose(dense.values.value.scalars, listed.values.value.scalars, atol: 1e-12, rtol: 1e-12, "dense and listed terms")
    }

    /// A custom reduction of the recorded terms differentiates through the loss.
    @Test func recordedTermsDifferentiate() throws {
        let loss = ContrastiveLoss<Double>(reducer: DoNothingReducer())
        try expectGradientsMatch([Self.x]) { x in
            let (_, terms) = try DoNothingReducer<Double>.recording { try loss(x[0], labels: Self.labels) }
            return terms[0].values.mean() + terms[1].values.max()
        }
        // Outside a recording nothing is kept, and the loss is the plain sum.
        let plain = try loss.value(embeddings: Self.x, labels: Self.labels)
        let sum = try ContrastiveLoss<Double>(reducer: SumReducer()).value(embeddings: Self.x, labels: Self.labels)
        expectClose([plain], [sum], atol: 1e-14, rtol: 1e-14, "do-nothing is the sum")
    }

    /// `MultipleReducers` chooses by sub-loss; the rest get the default.
    @Test func multipleReducersChooseBySubLoss() throws {
        let terms = try Self.recorded(ContrastiveLoss(reducer: DoNothingReducer())).terms
        let (positive, negative) = (terms[0].values.value.scalars, terms[1].values.value.scalars)
        let loss = ContrastiveLoss<Double>(reducer: MultipleReducers(["pos_loss": MeanReducer()], default: SumReducer()))
        let expected = positive.reduce(0, +) / Double(positive.count) + negative.reduce(0, +)
        expectClose([try loss.value(embeddings: Self.x, labels: Self.labels)], [expected], atol: 1e-13, rtol: 1e-13, "mean + sum")
        #expect(MultipleReducers<Double>(["loss": MeanReducer()], default: MeanReducer()).termReduction == .mean)
        #expect(MultipleReducers<Double>(["pos_loss": MeanReducer()], default: SumReducer()).termReduction == nil)
        #expect(MultipleReducers<Double>([:]).termReduction == .mean)
    }

    /// Only the plain reducers (and combinations equal to one) take the fused paths.
    @Test func onlyPlainReducersReportAReduction() {
        let others: [any Reducer<Double>] = [ClassWeightedReducer(weights: [1, 1]), DivisorReducer(), PerAnchorReducer(),
                                             PerAnchorReducer(reducer: SumReducer(), aggregation: .sum), DoNothingReducer(),
                                             MultipleReducers(["pos_loss": PerAnchorReducer()], default: MeanReducer())]
        #expect(others.allSatisfy { $0.termReduction == nil })
    }

    /// Class weights by the anchor's label, as PML's `ClassWeightedReducer`.
    @Test func classWeightsFollowTheAnchorsLabel() throws {
        let weights: [Double] = [0.5, 2, 3, 0.25]
        let terms = try Self.recorded(TripletMarginLoss(margin: 0.5, reducer: DoNothingReducer())).terms[0]
        let values = terms.values.value.scalars, anchors = terms.anchors
        let expected = values.indices.map { values[$0] * weights[Self.labels[Int(anchors[$0])]] }.reduce(0, +) / Double(values.count)
        let loss = TripletMarginLoss<Double>(margin: 0.5, reducer: ClassWeightedReducer(weights: weights))
        expectClose([try loss.value(embeddings: Self.x, labels: Self.labels)], [expected], atol: 1e-13, rtol: 1e-13, "weighted mean")
        try expectGradientsMatch([Self.x]) { v in try loss(v[0], labels: Self.labels) }
    }

    /// Terms a class-weighted reducer cannot weigh carry an error naming why.
    @Test func classWeightsNeedLabelsInRange() {
        let reducer = ClassWeightedReducer<Double>(weights: [1, 2, 3])
        DegenerateAndBadInputTests.expectError(.invalidLabels, mentioning: "carry no labels") {
            _ = try reducer.reduce(Variable(Tensor<Double>([1, 2]))).checked()
        }
        DegenerateAndBadInputTests.expectError(.invalidLabels, mentioning: "label 3 of row 8 has no class weight") {
            _ = try ContrastiveLoss<Double>(reducer: reducer).valueWithGradient(embeddings: Self.x, labels: Self.labels)
        }
        DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "anchor 7") {
            _ = try reducer.reduce(LossTerms(Variable(Tensor<Double>([1, 2])), kind: .element, anchors: [0, 7], labels: [0, 1])).checked()
        }
        DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "2 loss terms") {
            _ = try PerAnchorReducer<Double>().reduce(LossTerms(Variable(Tensor<Double>([1, 2])), kind: .triplet, anchors: [0])).checked()
        }
        DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "other rows") {
            _ = try PerAnchorReducer<Double>().reduce(LossTerms(Variable(Tensor<Double>([1, 2])), kind: .positivePair, anchors: [0, 1])).checked()
        }
    }

    /// Per anchor: each anchor's mean, then the inner reducer over all N anchors; a repeated
    /// pair counts once in the value and passes the gradient back to every listing (PML).
    @Test func perAnchorAveragesEachAnchorsPairs() throws {
        let pairs = [(0, 1), (0, 2), (0, 1), (2, 3)].map { IndexPair(anchor: Int32($0), other: Int32($1)) }
        let labels = [0, 0, 1, 1, 2]
        let reducer = PerAnchorReducer<Double>()
        let (value, gradient) = try valueWithGradient(at: Tensor<Double>([0.5, 1.5, 0.5, 4])) { v in
            reducer.reduce(LossTerms(v, pairs: pairs, kind: .negativePair, labels: labels))
        }
        // Anchor 0: (0.5 + 1.5) / 2, anchor 2: 4, the others 0; the mean over 5 anchors.
        expectClose([value], [(1 + 4) / 5.0], atol: 1e-15, rtol: 1e-15, "value")
        expectClose(gradient.scalars, [0.1, 0.1, 0.1, 0.2], atol: 1e-15, rtol: 1e-15, "gradient")
        // Triplets: each anchor's triplets aggregated like its pairs.
        let triplets = [IndexTriplet(anchor: 1, positive: 0, negative: 2), IndexTriplet(anchor: 1, positive: 0, negative: 3)]
        let sum = PerAnchorReducer<Double>(reducer: SumReducer(), aggregation: .meanOfNonZero)
        let t = sum.reduce(LossTerms(Variable(Tensor<Double>([0, 3])), triplets: triplets, labels: labels))
        #expect(try t.checked().value.scalars == [3])
    }

    /// The divisor a loss gives; the sum without one; 0 for a divisor of 0.
    @Test func divisorReducerDividesByTheLossesDivisor() throws {
        let values = Variable(Tensor<Double>([1, 2, 3]))
        let reducer = DivisorReducer<Double>()
        #expect(try reducer.reduce(values).checked().value.scalars == [6])
        #expect(try reducer.reduce(LossTerms(elements: values, divisor: 4)).checked().value.scalars == [1.5])
        let (zero, gradient) = try valueWithGradient(at: Tensor<Double>([1, 2])) { reducer.reduce(LossTerms(elements: $0, divisor: 0)) }
        #expect(zero == 0 && gradient.scalars == [0, 0])
    }

    /// A reducer written against the bare-vector form still reduces a loss's terms.
    @Test func bareVectorReducersStillWork() throws {
        struct Largest: Reducer {
            func reduce(_ values: Variable<Double>) -> Variable<Double> { values.max() }
        }
        let terms = try Self.recorded(TripletMarginLoss(margin: 0.5, reducer: DoNothingReducer())).terms[0]
        let value = try TripletMarginLoss<Double>(margin: 0.5, reducer: Largest()).value(embeddings: Self.x, labels: Self.labels)
        #expect(value == terms.values.value.scalars.max())
    }
}
