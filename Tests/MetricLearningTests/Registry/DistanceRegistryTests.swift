import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every enrolled distance: gradients against finite differences, Float against Double,
/// finite on zero vectors, sparse values equal to the matrix, and a reported kernel that
/// really is the matrix computed.
@Suite("Distances")
struct DistanceRegistryTests {
    static let x: Tensor<Double> = randomMatrix(7, 4, seed: 81)
    static let y: Tensor<Double> = randomMatrix(5, 4, seed: 82)

    @Test(arguments: Registry.distanceNames) func gradientsMatchFiniteDifferences(name: String) throws {
        let distance = Registry.distance(name).object
        let weights = Variable<Double>(randomMatrix(7, 5, seed: 83))
        try expectGradientsMatch([Self.x, Self.y]) { v in (distance(v[0], v[1]) * weights).sum() }
        let square = Variable<Double>(randomMatrix(7, 7, seed: 84))
        try expectGradientsMatch([Self.x]) { v in (distance(v[0]) * square).sum() }
    }

    @Test(arguments: Registry.distanceNames) func floatAgreesWithDouble(name: String) throws {
        let d = try Registry.distance(name).object.matrix(Self.x, Self.y)
        let xf = try Tensor<Float>(shape: Self.x.shape, scalars: Self.x.scalars.map(Float.init))
        let yf = try Tensor<Float>(shape: Self.y.shape, scalars: Self.y.scalars.map(Float.init))
        let f = try Registry.distance(name, as: Float.self).object.matrix(xf, yf)
        expectClose(f.scalars.map(Double.init), d.scalars, atol: 1e-5, rtol: 1e-4, name)
    }

    @Test(arguments: Registry.distanceNames) func zeroVectorsAreFinite(name: String) throws {
        let distance = Registry.distance(name).object
        let zeros = try Tensor<Double>.zeros(shape: [3, 4])
        let (value, gradient) = try valueWithGradient(at: zeros) { distance($0).sum() }
        #expect(value.isFinite && gradient.isFinite, "\(name)")
    }

    @Test(arguments: Registry.distanceNames) func sparseValuesEqualTheMatrix(name: String) throws {
        let distance = Registry.distance(name).object
        let rows = [0, 3, 6, 2], columns = [4, 0, 1, 2]
        let matrix = try distance.matrix(Self.x, Self.y)
        let values = try distance.values(Variable(Self.x), against: Variable(Self.y), rows: rows, columns: columns).checked().value
        expectClose(values.scalars, zip(rows, columns).map { matrix[$0, $1] }, atol: 1e-14, rtol: 1e-12, name)
    }

    @Test(arguments: Registry.distanceNames) func reportedKernelIsTheMatrix(name: String) throws {
        let distance = Registry.distance(name).object
        guard let kernel = distance.kernel else { return }
        let prepare = { (t: Tensor<Double>) -> [[Double]] in
            let rows = (0..<t.shape[0]).map { Array(t.scalars[($0 * t.shape[1])..<(($0 + 1) * t.shape[1])]) }
            guard distance.normalizesEmbeddings else { return rows }
            return rows.map { r in let n = r.map { $0 * $0 }.reduce(0, +).squareRoot(); return r.map { $0 / n } }
        }
        let (a, b) = (prepare(Self.x), prepare(Self.y))
        let expected = a.flatMap { u in b.map { v -> Double in
            switch kernel {
            case .dotProduct: return zip(u, v).map { $0 * $1 }.reduce(0, +)
            case .euclidean(let squared):
                let s = zip(u, v).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
                return squared ? s : s.squareRoot()
            }
        } }
        expectClose(try distance.matrix(Self.x, Self.y).scalars, expected, atol: 1e-12, rtol: 1e-10, name)
    }
}
