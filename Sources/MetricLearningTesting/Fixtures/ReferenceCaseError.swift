/// Why one case of a reference file could not be used: it did not decode, or no case
/// has the name asked for.
///
/// The other cases of the file are unaffected, so a malformed case fails only its own test.
public struct ReferenceCaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The case's position in the file's `cases`, when it is in the file.
    public var index: Int?
    /// The case's name, when it could be read.
    public var name: String?
    /// What went wrong, naming the field (e.g. `embeddings: element [3] has 5 entries where 6 were expected`).
    public var message: String

    /// An error from its parts.
    public init(index: Int?, name: String?, message: String) {
        (self.index, self.name, self.message) = (index, name, message)
    }

    /// An error for a case that failed to decode, described from its `DecodingError`.
    init(index: Int?, name: String?, decoding error: any Error, casePath: Int) {
        self.init(index: index, name: name, message: Self.describe(error, droppingPrefix: casePath))
    }

    /// `reference case <index> "<name>": <message>`.
    public var description: String {
        let which = [index.map { "case \($0)" }, name.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
        return "reference \(which.isEmpty ? "case" : which): \(message)"
    }

    /// A one-line account of a decoding error, its path relative to the case.
    static func describe(_ error: any Error, droppingPrefix prefix: Int) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let parts = codingPath.dropFirst(prefix).map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            let joined = parts.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        func located(_ context: DecodingError.Context, _ what: String) -> String {
            let at = path(context.codingPath)
            return at.isEmpty ? what : "\(at): \(what)"
        }
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath)
            return "missing field \"\(key.stringValue)\"" + (at.isEmpty ? "" : " in \(at)")
        case .valueNotFound(let type, let context):
            return located(context, "null where \(type) was expected")
        case .typeMismatch(let type, let context):
            return located(context, "not \(type): \(context.debugDescription)")
        case .dataCorrupted(let context):
            return located(context, context.debugDescription)
        @unknown default:
            return "\(decoding)"
        }
    }
}
