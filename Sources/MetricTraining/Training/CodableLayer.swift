import TensorCore

/// A layer that can be saved and loaded: `Codable`, with a name for its type.
///
/// A `Sequential` holds layers of different types, so when it is saved each layer is written
/// with its `codingKind` beside its fields, and when it is loaded the kind says which type to
/// decode. Every layer of the library conforms (kinds `Linear`, `ReLU`, `Tanh`, `Dropout`,
/// `BatchNorm`, `Sequential`); a `Sequential` holding any other layer cannot be encoded and says
/// which layer it is.
///
/// A layer type of your own is saved once it conforms; to load it, list it in the decoder's
/// `userInfo` under `LayerCoding.layerTypesKey`:
///
/// ```swift
/// struct Scaled: CodableLayer { static let codingKind = "Scaled"; … }
/// let decoder = JSONDecoder()
/// decoder.userInfo[LayerCoding.layerTypesKey] = [Scaled.self]
/// let model = try decoder.decode(Sequential<Float>.self, from: data)
/// ```
public protocol CodableLayer<Scalar>: Layer, Codable {
    /// The name of this layer type in a saved model, unique among the types a decoder knows
    /// (the library's own kinds are taken). Stable: a saved model refers to it.
    static var codingKind: String { get }
}
