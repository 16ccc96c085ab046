/// A JSON value as the reference fixtures write it: the keyword arguments of PML objects
/// and the configurations in words.
///
/// Numbers are held as `Double` (every integer the fixtures use is exact in a `Double`).
/// Read a value with the typed accessors, which return `nil` for another kind of value:
///
/// ```swift
/// let margin: JSONValue = 0.2
/// margin.doubleValue   // 0.2
/// margin.intValue      // nil: not an integer
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array of values.
    case array([JSONValue])
    /// An object: keys and their values.
    case object([String: JSONValue])

    /// The number, or `nil` when the value is not a number.
    public var doubleValue: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    /// The number as an `Int`, or `nil` when the value is not a number with an integral
    /// value that an `Int` holds.
    public var intValue: Int? {
        guard case .number(let x) = self, x.rounded(.towardZero) == x, let exact = Int(exactly: x) else { return nil }
        return exact
    }

    /// The Boolean, or `nil` when the value is not `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The string, or `nil` when the value is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements, or `nil` when the value is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The keys and values, or `nil` when the value is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The value under `key` of an object, or `nil` (not an object, or no such key).
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}
