#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A reference fixture file (`losses_and_miners.json`, `catalogue_*.json`), decoded case by case.
///
/// Each case decodes on its own into an `Entry` holding a `Result`, so one malformed case
/// fails only the tests that use it; only a file that is not a fixture at all (not JSON, or
/// no `cases` array) fails to load.
///
/// ```swift
/// // In a Swift Testing suite, one test per case:
/// static let file = try! ReferenceFile.load(contentsOf: Bundle.module.url(
///     forResource: "catalogue_pairs", withExtension: "json", subdirectory: "Fixtures")!)
///
/// @Test(arguments: file.entries)
/// func matchesPML(_ entry: ReferenceFile.Entry) throws {
///     let c = try entry.get()          // throws only for this case if it is malformed
///     // … compute the loss of c.embeddings and c.labels, then:
///     expectMatches(c, loss: value, gradients: ["embeddings": gradient])
/// }
/// ```
public struct ReferenceFile: Sendable {
    /// The program and library versions that wrote the file.
    public var generator: String?
    /// The random seed of the batches.
    public var seed: Int?
    /// The batch size N the catalogue declares (`n`).
    public var batchSize: Int?
    /// The embedding size D the catalogue declares (`d`).
    public var embeddingSize: Int?
    /// The number of classes the catalogue declares (`classes`).
    public var classCount: Int?
    /// Every case in file order, each decoded or with the reason it did not.
    public var entries: [Entry]

    /// A file from its parts.
    public init(generator: String? = nil, seed: Int? = nil, batchSize: Int? = nil, embeddingSize: Int? = nil,
                classCount: Int? = nil, entries: [Entry]) {
        (self.generator, self.seed, self.batchSize) = (generator, seed, batchSize)
        (self.embeddingSize, self.classCount, self.entries) = (embeddingSize, classCount, entries)
    }

    /// Decodes a fixture file's bytes.
    ///
    /// - Throws: `DecodingError` only when the data is not a JSON object with a `cases`
    ///   array; a malformed case becomes a failed entry instead.
    public init(data: Data) throws {
        self = try JSONDecoder().decode(ReferenceFile.self, from: data)
    }

    /// Reads and decodes the fixture file at `url`.
    ///
    /// ```swift
    /// let url = Bundle.module.url(forResource: "losses_and_miners", withExtension: "json", subdirectory: "Fixtures")!
    /// let file = try ReferenceFile.load(contentsOf: url)
    /// ```
    /// - Throws: the read error, or what `init(data:)` throws.
    public static func load(contentsOf url: URL) throws -> ReferenceFile {
        try ReferenceFile(data: Data(contentsOf: url))
    }

    /// Every case's name, in file order (cases whose name could not be read are left out).
    public var names: [String] { entries.compactMap(\.name) }

    /// The cases that decoded, in file order.
    public var cases: [ReferenceCase] { entries.compactMap { try? $0.result.get() } }

    /// The reasons the other cases did not decode.
    public var failures: [ReferenceCaseError] {
        entries.compactMap { entry in
            if case .failure(let error) = entry.result { return error }
            return nil
        }
    }

    /// The first case called `name`.
    ///
    /// - Throws: `ReferenceCaseError` when that case did not decode or no case has the name.
    public func referenceCase(named name: String) throws(ReferenceCaseError) -> ReferenceCase {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ReferenceCaseError(index: nil, name: name, message: "no case has this name")
        }
        return try entry.get()
    }
}
