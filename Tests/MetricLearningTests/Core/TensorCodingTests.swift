import Foundation
import Testing
import MetricLearning

/// `Tensor` through JSON: bitwise round trips, and shapes that do not fit their scalars refused
/// with a `DecodingError` that says why.
@Suite("Tensor coding")
struct TensorCodingTests {
    static func decode<Scalar: TensorScalar>(_ json: String, as: Scalar.Type = Double.self) throws -> Tensor<Scalar> {
        try JSONDecoder().decode(Tensor<Scalar>.self, from: Data(json.utf8))
    }

    /// The message of the `DecodingError` that decoding `json` throws, or nil.
    static func decodingMessage(_ json: String) -> String? {
        do {
            _ = try decode(json)
            return nil
        } catch DecodingError.dataCorrupted(let context) {
            return context.debugDescription
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func roundTripsBitwise() throws {
        let floats = try Tensor<Float>(shape: [2, 3], scalars: [0.1, -1e-38, .leastNonzeroMagnitude, 3.4e38, -0.0, 1 / 3])
        let doubles = try Tensor<Double>.randomNormal(shape: [3, 4], seed: 9)
        let floatBack = try JSONDecoder().decode(Tensor<Float>.self, from: JSONEncoder().encode(floats))
        let doubleBack = try JSONDecoder().decode(Tensor<Double>.self, from: JSONEncoder().encode(doubles))
        #expect(floatBack.shape == [2, 3] && floatBack.scalars.map(\.bitPattern) == floats.scalars.map(\.bitPattern))
        #expect(doubleBack.shape == [3, 4] && doubleBack.scalars.map(\.bitPattern) == doubles.scalars.map(\.bitPattern))
        #expect(try Self.decode("{\"shape\": [], \"scalars\": [2.5]}").scalar == 2.5)
        #expect(try Self.decode("{\"shape\": [0, 4], \"scalars\": []}").shape == [0, 4])
        let encoded = String(decoding: try JSONEncoder().encode(try Tensor<Double>(shape: [1, 2], scalars: [1, 0.5])), as: UTF8.self)
        #expect(encoded.contains("\"shape\":[1,2]") && encoded.contains("\"scalars\":[1,0.5]"))
    }

    @Test func shapesThatDoNotFitAreDecodingErrors() {
        #expect(Self.decodingMessage("{\"shape\": [2, 2], \"scalars\": [1, 2, 3]}") == "Tensor: shape [2, 2] holds 4 scalars, but 3 were given")
        #expect(Self.decodingMessage("{\"shape\": [9223372036854775807, 2], \"scalars\": []}")
                == "Tensor: shape [9223372036854775807, 2] holds more scalars than an Int can count")
        #expect(Self.decodingMessage("{\"shape\": [-1, 2], \"scalars\": []}") == "Tensor: shape [-1, 2] has a negative extent -1")
        #expect(Self.decodingMessage("{\"shape\": [2], \"scalars\": [1, 2]}") == nil)
    }
}
