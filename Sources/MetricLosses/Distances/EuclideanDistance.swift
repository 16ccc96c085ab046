import TensorCore

/// The Euclidean distance ‖x − y‖ (or its square), by default between L2-normalised rows.
///
/// PML's `LpDistance(p=2)`: `normalizesEmbeddings` defaults to true and `squared`
/// (PML's `power=2`) to false. The gradient at distance 0 is 0, as PyTorch's `cdist`.
public struct EuclideanDistance<Scalar: TensorScalar>: Distance, Codable {
    public let normalizesEmbeddings: Bool
    /// Whether the distance is squared, ‖x − y‖².
    public let squared: Bool
    public var isSimilarity: Bool { false }
    /// The Euclidean distance, squared or not.
    public var kernel: DistanceKernel? { .euclidean(squared: squared) }

    /// Creates the distance; the defaults are PML's.
    public init(normalizesEmbeddings: Bool = true, squared: Bool = false) {
        (self.normalizesEmbeddings, self.squared) = (normalizesEmbeddings, squared)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        squared ? pairwiseSquaredDistances(x, y) : pairwiseDistances(x, y)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        pairValues(x, against: y, rows: rows, columns: columns) {
            squared ? pairSquaredDistances($0, $1, rows: rows, columns: columns) : pairDistances($0, $1, rows: rows, columns: columns)
        }
    }
}
