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

    /// A classifier loss (its class weights stepped beside the model), a loss on m-per-class
    /// batches and the self-supervised path on two views, one epoch each.
    @Test(arguments: [("arcface", "classifier"), ("smoothap", "metric"), ("ntxent-selfsupervised", "self-supervised")])
    func catalogueLossWritesAFiniteReport(loss: String, family: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metric-learning-\(loss)-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, text) = try ContractTests.run("metric-learning", ["--loss", loss, "--epochs", "1", "--output", directory.path])
        #expect(status == 0, "\(text)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as! [String: Any]
        for key in ["precision_at_1", "r_precision", "mean_average_precision_at_r", "training_seconds"] {
            let value = report[key] as? Double
            #expect(value?.isFinite == true, "report.json: \(key) = \(String(describing: report[key]))")
        }
        let knn = report["knn_accuracy"] as? [String: Double] ?? [:]
        #expect(knn.count == 3 && knn.values.allSatisfy(\.isFinite), "knn_accuracy = \(knn)")
        let setup = try #require(report["setup"] as? [String: Any])
        #expect(setup["loss"] as? String == loss && setup["loss_family"] as? String == family, "\(setup)")
        switch family {
        case "classifier":
            #expect(setup["loss_learning_rate"] as? Double == 0.01 && text.contains("loss parameters: [32, 10]"), "\(setup)\n\(text)")
        case "metric":
            #expect(setup["batches"] as? String == "m-per-class" && setup["items_per_class"] as? Int == 16, "\(setup)")
        default:
            #expect((setup["views"] as? [String: Any])?["shift_pixels"] as? Int == 1, "\(setup)")
        }
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
        for name in ["proxyanchor", "smoothap", "ntxent-selfsupervised", "vicreg"] { #expect(help.output.contains(name), "--help lacks \(name)") }
        let unknownLoss = try ContractTests.run("metric-learning", ["--loss", "frobnicate"])
        #expect(unknownLoss.status != 0 && unknownLoss.output.contains("unknown loss 'frobnicate'"))
        let minedClassifier = try ContractTests.run("metric-learning", ["--loss", "arcface", "--miner", "semihard"])
        #expect(minedClassifier.status != 0 && minedClassifier.output.contains("takes no mined tuples"))
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
