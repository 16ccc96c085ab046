import Foundation
import Testing

/// The `metric-learning` demo as a user runs it (a short run; CI runs the full one).
@Suite("Demo executable")
struct DemoTests {
    @Test func shortRunWritesTheReportAndThePlot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metric-learning-test-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, text) = try ContractTests.run("metric-learning", ["--epochs", "3", "--output", directory.path])
        #expect(status == 0, "\(text)")
        #expect(text.contains("epoch   3/3") && text.contains("MAP@R") && text.contains("raw pixels"), "\(text)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as! [String: Any]
        for key in ["precision_at_1", "r_precision", "mean_average_precision_at_r", "knn_accuracy", "training_seconds", "raw_pixels"] {
            #expect(report[key] != nil, "report.json lacks \(key)")
        }
        let mapAtR = try #require(report["mean_average_precision_at_r"] as? Double)
        let raw = try #require((report["raw_pixels"] as? [String: Any])?["mean_average_precision_at_r"] as? Double)
        #expect(mapAtR > raw, "three epochs should already beat raw pixels: \(mapAtR) vs \(raw)")
        let svg = try String(contentsOf: directory.appendingPathComponent("embeddings.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("after training") && svg.components(separatedBy: "<circle").count > 700)
    }

    @Test func badInvocationsExitNonZeroWithAMessage() throws {
        let unknown = try ContractTests.run("metric-learning", ["--frobnicate"])
        #expect(unknown.status != 0 && unknown.output.contains("unknown option '--frobnicate'"))
        let missing = try ContractTests.run("metric-learning", ["--data", "/nonexistent/data.csv"])
        #expect(missing.status != 0 && missing.output.contains("cannot read data file"))
        let badValue = try ContractTests.run("metric-learning", ["--epochs", "zero"])
        #expect(badValue.status != 0 && badValue.output.contains("--epochs"))
        let help = try ContractTests.run("metric-learning", ["--help"])
        #expect(help.status == 0 && help.output.contains("--attack"))
    }

    @Test func userCsvAndAttackMode() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metric-learning-csv-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var rows: [String] = []
        for i in 0..<120 {
            let label = i % 3
            rows.append((0..<5).map { j in String(Double(label * 2) + Double((i * 7 + j * 3) % 10) / 10) }.joined(separator: ",") + ",\(label)")
        }
        let csv = directory.appendingPathComponent("data.csv")
        try rows.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let (status, text) = try ContractTests.run("metric-learning", [
            "--data", csv.path, "--epochs", "2", "--batch-size", "32", "--attack", "fgsm", "--epsilon", "0.05",
            "--combined", "--output", directory.appendingPathComponent("out").path])
        #expect(status == 0, "\(text)")
        #expect(text.contains("96 training and 24 test") && text.contains("accuracy under FGSM") && text.contains("combined classifier"), "\(text)")
    }
}
