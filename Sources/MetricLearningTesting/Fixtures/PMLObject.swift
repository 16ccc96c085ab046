import MetricLearning

/// A pytorch-metric-learning object as the catalogue names it: its class name and the
/// keyword arguments it was constructed with (defaults left out are PML's).
///
/// An argument that is itself an object is written the same way and read with
/// `object(_:)`:
///
/// ```swift
/// // {"class": "ContrastiveLoss", "kwargs": {"distance": {"class": "LpDistance", "kwargs": {"p": 1}}, "neg_margin": 4.0}}
/// loss.className                              // "ContrastiveLoss"
/// loss.double("neg_margin")                   // 4.0
/// loss.object("distance")?.int("p")           // 1
/// loss.object("distance")?.bool("normalize_embeddings") ?? true   // PML's default
/// ```
public struct PMLObject: Sendable, Hashable, Decodable {
    /// PML's class name, e.g. `"ArcFaceLoss"`.
    public var className: String
    /// The keyword arguments given to the constructor.
    public var kwargs: KeywordArguments

    /// An object from its class name and keyword arguments.
    public init(className: String, kwargs: KeywordArguments = KeywordArguments()) {
        (self.className, self.kwargs) = (className, kwargs)
    }

    /// The object a JSON value describes, or `nil` when it is not `{"class": String, "kwargs": {…}}`
    /// (`kwargs` may be left out).
    public init?(json: JSONValue) {
        guard let o = json.objectValue, let name = o["class"]?.stringValue,
              o.keys.allSatisfy({ $0 == "class" || $0 == "kwargs" }) else { return nil }
        let kwargs = o["kwargs"] ?? .object([:])
        guard let values = kwargs.objectValue else { return nil }
        self.init(className: name, kwargs: KeywordArguments(values))
    }

    private enum CodingKeys: String, CodingKey {
        case className = "class"
        case kwargs
    }

    /// Decodes `{"class": …, "kwargs": {…}}`; `kwargs` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        className = try container.decode(String.self, forKey: .className)
        kwargs = try container.decodeIfPresent(KeywordArguments.self, forKey: .kwargs) ?? KeywordArguments()
    }

    /// The number given for `key`.
    public func double(_ key: String) -> Double? { kwargs.double(key) }
    /// The integral number given for `key`.
    public func int(_ key: String) -> Int? { kwargs.int(key) }
    /// The Boolean given for `key`.
    public func bool(_ key: String) -> Bool? { kwargs.bool(key) }
    /// The string given for `key`.
    public func string(_ key: String) -> String? { kwargs.string(key) }
    /// The nested object given for `key`.
    public func object(_ key: String) -> PMLObject? { kwargs.object(key) }
    /// The tensor given for `key`.
    public func tensor(_ key: String) -> Tensor<Double>? { kwargs.tensor(key) }
}
