import MetricLearning

/// Named values: the keyword arguments of a PML object, or a configuration in words.
///
/// Each accessor returns `nil` when the key is absent or holds another kind of value,
/// so PML's default can follow `??`; `value(_:)` tells the two apart.
///
/// ```swift
/// let loss = referenceCase.pml!.loss            // PMLObject "TripletMarginLoss"
/// let margin = loss.kwargs.double("margin") ?? 0.05   // PML's default when left out
/// let reducer = loss.kwargs.object("reducer")   // a nested PMLObject, if given
/// ```
public struct KeywordArguments: Sendable, Hashable, Decodable {
    /// Every key and its value.
    public var values: [String: JSONValue]

    /// Named values from a dictionary.
    public init(_ values: [String: JSONValue] = [:]) {
        self.values = values
    }

    /// Decodes a JSON object.
    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    /// The keys, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// True when no value is given.
    public var isEmpty: Bool { values.isEmpty }

    /// True when `key` is given (even as `null`).
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The raw value under `key`, or `nil` when absent.
    public func value(_ key: String) -> JSONValue? { values[key] }

    /// The number under `key`.
    public func double(_ key: String) -> Double? { values[key]?.doubleValue }

    /// The integral number under `key`.
    public func int(_ key: String) -> Int? { values[key]?.intValue }

    /// The Boolean under `key`.
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// The string under `key`.
    public func string(_ key: String) -> String? { values[key]?.stringValue }

    /// The PML object (`{"class": …, "kwargs": …}`) under `key`.
    public func object(_ key: String) -> PMLObject? { values[key].flatMap(PMLObject.init(json:)) }

    /// The PML objects of a dictionary under `key` (as `MultipleReducers` takes its
    /// `reducers`), or `nil` unless every value is one.
    public func objects(_ key: String) -> [String: PMLObject]? {
        guard let dictionary = values[key]?.objectValue else { return nil }
        var out: [String: PMLObject] = [:]
        for (name, value) in dictionary {
            guard let object = PMLObject(json: value) else { return nil }
            out[name] = object
        }
        return out
    }

    /// The tensor under `key`: a number, nested arrays of numbers, or `{"tensor": …}`.
    public func tensor(_ key: String) -> Tensor<Double>? { values[key]?.tensorValue }
}
