import TensorCore

/// How models are saved: the `userInfo` key that lists your own layer types for decoding, and
/// the checks layers share when they decode or encode.
///
/// A saved `Sequential` is `{"layers": [{"kind": "Linear", "layer": {…}}, …]}`. A `Linear` is
/// `{"weight": tensor, "bias": tensor}`, a `BatchNorm` `{"scale", "shift", "runningMean",
/// "runningVariance", "momentum", "epsilon"}`, a `Dropout` `{"probability"}`, `ReLU` and `Tanh`
/// `{}`, and a tensor `{"shape": [Int], "scalars": [Scalar]}`. Decoding checks what the layer's
/// initialiser and forward pass check (shapes that fit, hyperparameters in range) and throws a
/// `DecodingError` naming the problem.
public enum LayerCoding {
    /// The decoder `userInfo` key under which you list layer types of your own (conforming to
    /// `CodableLayer`) that a saved `Sequential` may contain: an array of metatypes, such as
    /// `[Scaled<Float>.self, Scaled<Double>.self]`. Types of another scalar are skipped.
    public static let layerTypesKey = CodingUserInfoKey(rawValue: "MetricLearning.LayerCoding.layerTypes")!

    /// The library's layer types in `Scalar`.
    static func libraryTypes<Scalar: TensorScalar>(_: Scalar.Type) -> [any CodableLayer<Scalar>.Type] {
        [Linear<Scalar>.self, ReLU<Scalar>.self, Tanh<Scalar>.self, Dropout<Scalar>.self, BatchNorm<Scalar>.self, Sequential<Scalar>.self]
    }

    /// The layer types `decoder` can make, by kind: the library's, then those its `userInfo`
    /// lists (a kind the library takes stays the library's).
    static func knownTypes<Scalar: TensorScalar>(_: Scalar.Type, in decoder: any Decoder) -> [String: any CodableLayer<Scalar>.Type] {
        let listed = (decoder.userInfo[layerTypesKey] as? [Any] ?? []).compactMap { $0 as? any CodableLayer<Scalar>.Type }
        var known: [String: any CodableLayer<Scalar>.Type] = [:]
        for type in libraryTypes(Scalar.self) + listed where known[type.codingKind] == nil {
            known[type.codingKind] = type
        }
        return known
    }

    /// Runs a layer's `check`, turning the `MetricLearningError` it throws into a
    /// `DecodingError` at `key` that carries the same message.
    static func decodingCheck<Key: CodingKey>(_ key: Key, in container: KeyedDecodingContainer<Key>, _ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as MetricLearningError {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: error.message)
        }
    }

    /// Runs a layer's `check` before it encodes `value`, turning the `MetricLearningError` it
    /// throws into an `EncodingError` that carries the same message.
    static func encodingCheck(_ value: Any, in encoder: any Encoder, _ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as MetricLearningError {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: encoder.codingPath, debugDescription: error.message))
        }
    }
}
