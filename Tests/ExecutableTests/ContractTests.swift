import Foundation
import Testing

/// Runs the copy of the shared consumer contract (the `contract-check` executable, built
/// with a plain `import MetricLearning`) and expects it to hold.
@Suite("Public contract")
struct ContractTests {
    /// A product built next to the test bundle.
    static func executable(_ name: String = "contract-check") -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs a built product; returns its exit status and everything it printed.
    static func run(_ name: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
        let url = try #require(executable(name), "\(name) was not built next to the tests")
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func contractProgramHolds() throws {
        let (status, text) = try Self.run("contract-check")
        #expect(status == 0, "\(text)")
        #expect(text.contains("contract holds"), "\(text)")
    }
}
