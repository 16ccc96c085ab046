import TensorCore

/// Lets a stored `any Reducer` take part in `Codable`, so a loss holding one can be saved in a
/// checkpoint: `@CodableReducer public var reducer: any Reducer<Scalar>`.
///
/// The library's reducers without an inner reducer (`MeanReducer`, `MeanOfNonZeroReducer`,
/// `SumReducer`, `DivisorReducer`, `DoNothingReducer`, `ThresholdReducer`,
/// `ClassWeightedReducer`) are written as `{"type": name, "value": settings}` and read back;
/// encoding any other reducer throws `EncodingError.invalidValue` naming it.
@propertyWrapper
public struct CodableReducer<Scalar: TensorScalar>: Codable, Sendable {
    /// The reducer.
    public var wrappedValue: any Reducer<Scalar>

    /// Wraps `wrappedValue`.
    public init(wrappedValue: any Reducer<Scalar>) {
        self.wrappedValue = wrappedValue
    }

    private static var types: KeyValuePairs<String, any Codable.Type> {
        ["mean": MeanReducer<Scalar>.self, "meanOfNonZero": MeanOfNonZeroReducer<Scalar>.self, "sum": SumReducer<Scalar>.self,
         "divisor": DivisorReducer<Scalar>.self, "doNothing": DoNothingReducer<Scalar>.self,
         "threshold": ThresholdReducer<Scalar>.self, "classWeighted": ClassWeightedReducer<Scalar>.self]
    }

    /// Reads one of the library's reducers.
    public init(from decoder: any Decoder) throws {
        wrappedValue = try TaggedCoding.decode("reducer", as: (any Reducer<Scalar>).self, among: Self.types, from: decoder)
    }

    /// Writes the reducer, or throws `EncodingError.invalidValue` for one of another type.
    public func encode(to encoder: any Encoder) throws {
        try TaggedCoding.encode(wrappedValue, "reducer", among: Self.types, to: encoder)
    }
}
