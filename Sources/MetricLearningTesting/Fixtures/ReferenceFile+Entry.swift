extension ReferenceFile {
    /// One case of a file: decoded, or the reason it did not decode.
    ///
    /// ```swift
    /// for entry in file.entries {
    ///     switch entry.result {
    ///     case .success(let c): run(c)
    ///     case .failure(let error): Issue.record("\(error)")   // names the case and the field
    ///     }
    /// }
    /// ```
    public struct Entry: Sendable, CustomStringConvertible {
        /// The case's position in the file.
        public var index: Int
        /// The case's name, when it could be read (even if the rest did not decode).
        public var name: String?
        /// The decoded case, or why it did not decode.
        public var result: Result<ReferenceCase, ReferenceCaseError>

        /// An entry from its parts.
        public init(index: Int, name: String?, result: Result<ReferenceCase, ReferenceCaseError>) {
            (self.index, self.name, self.result) = (index, name, result)
        }

        /// The decoded case.
        ///
        /// - Throws: `ReferenceCaseError` naming the case and the field that did not decode.
        public func get() throws(ReferenceCaseError) -> ReferenceCase {
            try result.get()
        }

        /// The case's name, or its position when the name could not be read.
        public var description: String { name ?? "case \(index)" }
    }
}

extension ReferenceFile.Entry: Decodable {
    private enum NameKey: String, CodingKey {
        case name
    }

    /// Decodes one case, keeping a failure as the entry's result instead of throwing.
    public init(from decoder: any Decoder) throws {
        let path = decoder.codingPath
        index = path.last?.intValue ?? 0
        name = try? decoder.container(keyedBy: NameKey.self).decodeIfPresent(String.self, forKey: .name)
        do {
            result = .success(try ReferenceCase(from: decoder))
        } catch {
            result = .failure(ReferenceCaseError(index: index, name: name, decoding: error, casePath: path.count))
        }
    }
}
