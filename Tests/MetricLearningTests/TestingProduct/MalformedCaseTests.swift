import Foundation
import Testing
import MetricLearning
import MetricLearningTesting

/// A malformed case fails alone: the rest of its file decodes, and the error names the
/// case and the field.
@Suite("MetricLearningTesting: malformed cases")
struct MalformedCaseTests {
    /// `losses_and_miners.json` with four cases broken in different ways.
    static let file: ReferenceFile = {
        let data = try! Data(contentsOf: ProductFixtures.url("losses_and_miners"))
        var root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var cases = root["cases"] as! [[String: Any]]
        // 2: a ragged embeddings row.
        var rows = cases[2]["embeddings"] as! [[Double]]
        rows[3].removeLast()
        cases[2]["embeddings"] = rows
        // 5: no loss value.
        cases[5].removeValue(forKey: "loss")
        // 7: a gradient of the wrong shape.
        cases[7]["grad_embeddings"] = Array((cases[7]["grad_embeddings"] as! [[Double]]).prefix(15))
        // 20: a mined index outside the batch.
        var mined = cases[20]["mined"] as! [String: Any]
        var triplets = mined["anchor_positive_negative"] as! [[Int]]
        triplets[0][2] = 99
        mined["anchor_positive_negative"] = triplets
        cases[20]["mined"] = mined
        root["cases"] = cases
        return try! ReferenceFile(data: JSONSerialization.data(withJSONObject: root))
    }()

    static let broken = [2, 5, 7, 20]

    @Test func onlyTheMalformedCasesFail() {
        #expect(Self.file.entries.count == 25)
        #expect(Self.file.cases.count == 21)
        #expect(Self.file.failures.compactMap(\.index) == Self.broken)
        // Names are still known for the failed cases, so their tests can be named.
        #expect(Self.file.names.count == 25)
    }

    @Test func errorsNameTheCaseAndTheField() throws {
        let messages = Dictionary(uniqueKeysWithValues: Self.file.failures.map { ($0.index!, $0) })
        #expect(messages[2]?.name == "triplet_default")
        #expect(messages[2]?.message.hasPrefix("embeddings:") == true, "\(messages[2]!)")
        #expect(messages[2]?.message.contains("[3]") == true, "\(messages[2]!)")
        #expect(messages[5]?.message.contains("\"loss\"") == true, "\(messages[5]!)")
        #expect(messages[7]?.message.hasPrefix("grad_embeddings:") == true, "\(messages[7]!)")
        #expect(messages[7]?.message.contains("[15, 6]") == true, "\(messages[7]!)")
        #expect(messages[20]?.message.hasPrefix("mined:") == true, "\(messages[20]!)")
        #expect(messages[20]?.message.contains("99") == true, "\(messages[20]!)")
        #expect("\(messages[2]!)".hasPrefix("reference case 2 \"triplet_default\": embeddings:"))
    }

    /// One test per case, as a suite over a file would be written: the broken ones throw
    /// (each a failure of its own test in a real suite), the others decode.
    @Test(arguments: file.entries)
    func eachCaseStandsAlone(_ entry: ReferenceFile.Entry) throws {
        if Self.broken.contains(entry.index) {
            #expect(throws: ReferenceCaseError.self) { try entry.get() }
            #expect(throws: ReferenceCaseError.self) { try Self.file.referenceCase(named: entry.name!) }
        } else {
            let c = try entry.get()
            #expect(c.embeddings.shape == [16, 6])
        }
    }

    @Test func aFileWithoutCasesFailsAsAWhole() {
        #expect(throws: DecodingError.self) { try ReferenceFile(data: Data(#"{"seed": 1}"#.utf8)) }
        #expect(throws: (any Error).self) { try ReferenceFile(data: Data("not json".utf8)) }
    }

    @Test func raggedAndNonNumericArraysAreNotTensors() {
        let ragged: JSONValue = [[1, 2], [3]]
        #expect(ragged.tensorValue == nil)
        let words: JSONValue = [1, "two"]
        #expect(words.tensorValue == nil)
        let cube: JSONValue = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
        #expect(cube.tensorValue?.shape == [2, 2, 2])
        #expect(cube.tensorValue?.scalars == [1, 2, 3, 4, 5, 6, 7, 8])
        let scalar: JSONValue = 2.5
        #expect(scalar.tensorValue?.shape == [])
        let wrapped: JSONValue = ["tensor": [1, 2]]
        #expect(wrapped.tensorValue?.shape == [2])
    }
}
