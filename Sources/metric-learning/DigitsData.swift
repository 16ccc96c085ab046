import Foundation
import MetricLearning

/// The bundled UCI handwritten digits (scikit-learn's copy, BSD-3-Clause) or a user's CSV.
enum DigitsData {
    /// The data set: bundled digits scaled to [0, 1], or the CSV at `path` as given.
    static func load(path: String?) throws -> LabeledDataset<Float> {
        if let path {
            guard FileManager.default.isReadableFile(atPath: path) else { throw DemoError("cannot read data file '\(path)'") }
            return try DatasetLoader.csv(path: path)
        }
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DemoError("the bundled digits data is missing")
        }
        return try DatasetLoader.csv(text, scale: 1 / 16)
    }
}
