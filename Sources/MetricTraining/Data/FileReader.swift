import TensorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads through the C library, so the library needs no Foundation.
enum FileReader {
    /// The bytes of the file at `path`.
    /// - Throws: `MetricLearningError.emptyInput` naming the path when it cannot be read.
    static func bytes(atPath path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw MetricLearningError(.emptyInput, "cannot read the file '\(path)'")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if read > 0 { bytes.append(contentsOf: chunk[0..<read]) }
            if read < chunk.count { break }
        }
        if ferror(file) != 0 { throw MetricLearningError(.emptyInput, "reading the file '\(path)' failed") }
        return bytes
    }
}
