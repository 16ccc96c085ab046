import TensorCore

/// Lets a stored `any Distance` take part in `Codable`, so a loss holding one can be saved in a
/// checkpoint: `@CodableDistance public var distance: any Distance<Scalar>`.
///
/// The library's distances (`CosineSimilarity`, `DotProductSimilarity`, `EuclideanDistance`,
/// `LpDistance`, `SNRDistance`) are written as `{"type": name, "value": settings}` and read
/// back; encoding any other distance throws `EncodingError.invalidValue` naming it.
@propertyWrapper
public struct CodableDistance<Scalar: TensorScalar>: Codable, Sendable {
    /// The distance.
    public var wrappedValue: any Distance<Scalar>

    /// Wraps `wrappedValue`.
    public init(wrappedValue: any Distance<Scalar>) {
        self.wrappedValue = wrappedValue
    }

    private static var types: KeyValuePairs<String, any Codable.Type> {
        ["cosine": CosineSimilarity<Scalar>.self, "dotProduct": DotProductSimilarity<Scalar>.self,
         "euclidean": EuclideanDistance<Scalar>.self, "lp": LpDistance<Scalar>.self, "snr": SNRDistance<Scalar>.self]
    }

    /// Reads one of the library's distances.
    public init(from decoder: any Decoder) throws {
        wrappedValue = try TaggedCoding.decode("distance", as: (any Distance<Scalar>).self, among: Self.types, from: decoder)
    }

    /// Writes the distance, or throws `EncodingError.invalidValue` for one of another type.
    public func encode(to encoder: any Encoder) throws {
        try TaggedCoding.encode(wrappedValue, "distance", among: Self.types, to: encoder)
    }
}
