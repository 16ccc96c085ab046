import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every enrolled reducer: gradients against finite differences, 0 with a zero gradient for
/// no terms, Float against Double, and a reported `termReduction` that divides as it says.
@Suite("Reducers")
struct ReducerRegistryTests {
    static let terms = Tensor<Double>([0.0, 0.3, 0.05, 1.7, 0.0, 0.6, 0.95, 0.42])

    @Test(arguments: Registry.reducerNames) func gradientsMatchFiniteDifferences(name: String) throws {
        let reducer = Registry.reducer(name).object
        // Away from the kinks of thresholds and of "non-zero".
        let smooth = Tensor<Double>([0.2, 0.3, 0.45, 0.7, 0.35, 0.6, 0.55, 0.42])
        try expectGradientsMatch([smooth]) { v in reducer.reduce(v[0]) }
    }

    @Test(arguments: Registry.reducerNames) func noTermsReduceToZero(name: String) throws {
        let reducer = Registry.reducer(name).object
        let (value, gradient) = try valueWithGradient(at: Tensor<Double>([])) { reducer.reduce($0) }
        #expect(value == 0 && gradient.scalars.isEmpty, "\(name)")
        let (zero, zeroGradient) = try valueWithGradient(at: try Tensor<Double>.zeros(shape: [3])) { reducer.reduce($0) }
        #expect(zero == 0 && zeroGradient.isFinite, "\(name) of zeros")
    }

    @Test(arguments: Registry.reducerNames) func floatAgreesWithDouble(name: String) throws {
        let d = try Registry.reducer(name).object.reduce(Variable(Self.terms)).checked().value.scalars[0]
        let f = try Registry.reducer(name, as: Float.self).object.reduce(Variable(Tensor(Self.terms.scalars.map(Float.init)))).checked().value.scalars[0]
        expectClose([Double(f)], [d], atol: 1e-6, rtol: 1e-6, name)
    }

    @Test(arguments: Registry.reducerNames) func termReductionDividesAsReported(name: String) throws {
        let reducer = Registry.reducer(name).object
        guard let reduction = reducer.termReduction else { return }
        let scalars = Self.terms.scalars
        let divisor: Double = reduction.divisor(count: scalars.count, nonZero: scalars.filter { $0 > 0 }.count)
        let value = try reducer.reduce(Variable(Self.terms)).checked().value.scalars[0]
        expectClose([value], [scalars.reduce(0, +) / divisor], atol: 1e-15, rtol: 1e-14, name)
    }
}
