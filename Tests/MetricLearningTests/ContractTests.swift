import Foundation
import Testing

/// Runs the copy of `../shared/contract/main.swift` (the `contract-check` executable, built
/// with a plain `import MetricLearning`) and expects it to hold.
@Suite("Public contract")
struct ContractTests {
    static func executable() -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("contract-check")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    @Test func contractProgramHolds() throws {
        let url = try #require(Self.executable(), "contract-check was not built next to the tests")
        let process = Process()
        process.executableURL = url
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("contract holds"), "\(text)")
    }
}
