import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every enrolled reducer: gradients against finite differences (per-element, pair and
/// triplet terms), 0 with a zero gradient for no terms, Float against Double, and a
/// reported `termReduction` that divides as it says.
@Suite("Reducers")
struct ReducerRegistryTests {
    static let terms = Tensor<Double>([0.0, 0.3, 0.05, 1.7, 0.0, 0.6, 0.95, 0.42])
    /// A batch of 6 rows in the registry's 4 classes.
    static let labels = [0, 1, 2, 3, 1, 0]
    /// Pairs of that batch (anchor 0 with three, anchor 2 without), and triplets, one per term.
    static let pairs = [(0, 5), (0, 2), (1, 4), (3, 2), (3, 1), (4, 1), (0, 4), (5, 2)].map { IndexPair(anchor: Int32($0), other: Int32($1)) }
    static let triplets = pairs.map { IndexTriplet(anchor: $0.anchor, positive: $0.other, negative: ($0.other + 1) % 6) }

    /// `values` as per-element terms of the first rows, positive pairs, negative pairs or triplets.
    static func contexts<S: TensorScalar>(_ values: Variable<S>) -> [LossTerms<S>] {
        let labels = (0..<values.value.count).map { Self.labels[$0 % 6] }
        return [LossTerms(elements: values, labels: labels),
                LossTerms(values, pairs: pairs, kind: .positivePair, labels: Self.labels, name: "pos_loss"),
                LossTerms(values, pairs: pairs, kind: .negativePair, labels: Self.labels, name: "neg_loss"),
                LossTerms(values, triplets: triplets, labels: Self.labels)]
    }

    @Test(arguments: Registry.reducerNames) func gradientsMatchFiniteDifferences(name: String) throws {
        let reducer = Registry.reducer(name).object
        // Away from the kinks of thresholds and of "non-zero".
        let smooth = Tensor<Double>([0.2, 0.3, 0.45, 0.7, 0.35, 0.6, 0.55, 0.42])
        for k in 0..<4 {
            try expectGradientsMatch([smooth]) { v in reducer.reduce(Self.contexts(v[0])[k]) }
        }
    }

    @Test(arguments: Registry.reducerNames) func noTermsReduceToZero(name: String) throws {
        let reducer = Registry.reducer(name).object
        let (value, gradient) = try valueWithGradient(at: Tensor<Double>([])) { reducer.reduce($0) }
        #expect(value == 0 && gradient.scalars.isEmpty, "\(name)")
        for k in 0..<4 {
            let (zero, zeroGradient) = try valueWithGradient(at: try Tensor<Double>.zeros(shape: [8])) { reducer.reduce(Self.contexts($0)[k]) }
            #expect(zero == 0 && zeroGradient.isFinite, "\(name) of zeros")
        }
    }

    @Test(arguments: Registry.reducerNames) func floatAgreesWithDouble(name: String) throws {
        let floats = Tensor(Self.terms.scalars.map(Float.init))
        for k in 0..<4 {
            let d = try Registry.reducer(name).object.reduce(Self.contexts(Variable(Self.terms))[k]).checked().value.scalars[0]
            let f = try Registry.reducer(name, as: Float.self).object.reduce(Self.contexts(Variable(floats))[k]).checked().value.scalars[0]
            expectClose([Double(f)], [d], atol: 1e-6, rtol: 1e-6, name)
        }
    }

    @Test(arguments: Registry.reducerNames) func termReductionDividesAsReported(name: String) throws {
        let reducer = Registry.reducer(name).object
        guard let reduction = reducer.termReduction else { return }
        let scalars = Self.terms.scalars
        let divisor: Double = reduction.divisor(count: scalars.count, nonZero: scalars.filter { $0 > 0 }.count)
        for terms in Self.contexts(Variable(Self.terms)) {
            let value = try reducer.reduce(terms).checked().value.scalars[0]
            expectClose([value], [scalars.reduce(0, +) / divisor], atol: 1e-15, rtol: 1e-14, name)
        }
    }
}
