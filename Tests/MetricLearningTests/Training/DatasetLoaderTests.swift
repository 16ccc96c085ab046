import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

@Suite("Dataset loaders")
struct DatasetLoaderTests {
    @Test func csvWithHeaderAndLabelColumns() throws {
        let text = "a,b,label\n1,2,0\n3, 4 ,1\r\n\n5,6,1\n"
        let data: LabeledDataset<Double> = try DatasetLoader.csv(text, scale: 0.5)
        #expect(data.features.shape == [3, 2] && data.features.scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect(data.labels == [0, 1, 1])
        let first: LabeledDataset<Float> = try DatasetLoader.csv("7,1,2\n8,3,4", labelColumn: 0)
        #expect(first.labels == [7, 8] && first.features.scalars == [1, 2, 3, 4])
    }

    @Test func malformedCsvThrowsNamingTheLine() {
        func message(_ text: String) -> String {
            do { let _: LabeledDataset<Double> = try DatasetLoader.csv(text); return "" } catch { return "\(error)" }
        }
        #expect(message("1,2,0\n3,x,1").contains("line 2"))
        #expect(message("1,2,0\n3,1").contains("line 2"))
        #expect(message("1,2,0.5").contains("not an integer"))
        #expect(message("").contains("no data"))
        #expect(message("1,2,0\n3,nan,1").contains("line 2: field 2 ('nan')"))
        // 1e40 fits a Double but not a Float.
        #expect(message("1e40,2,0").isEmpty)
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.csv("1e40,2,0") }
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.csv("1,2,0", labelColumn: -1) }
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.csv("1,2,0", scale: .nan) }
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.idx(images: [], labels: [], scale: .infinity) }
    }

    @Test func idxImagesAndLabels() throws {
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 16, 32, 1, 2, 3, 4]
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3]
        let data: LabeledDataset<Float> = try DatasetLoader.idx(images: images, labels: labels, scale: 1 / 255)
        #expect(data.features.shape == [2, 4] && data.labels == [7, 3])
        #expect(data.features[0, 1] == 1)
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.idx(images: Array(images.prefix(20)), labels: labels) }
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.idx(images: images, labels: [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]) }
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.idx(images: labels, labels: labels) }
        // A header whose dimensions multiply past Int (4 × 2³²−1 each) is refused, with or without a zero count.
        for count: UInt8 in [1, 0] {
            let huge: [UInt8] = [0, 0, 8, 4, 0, 0, 0, count] + Array(repeating: 0xFF, count: 12) + [0, 0]
            #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.idx(images: huge, labels: labels) }
        }
    }

    @Test func filesWrittenByTheTest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("d.csv"), images = directory.appendingPathComponent("i.idx"), labels = directory.appendingPathComponent("l.idx")
        try "0.5,1.5,2\n2.5,3.5,0\n".write(to: csv, atomically: true, encoding: .utf8)
        try Data([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 10, 20, 30]).write(to: images)
        try Data([0, 0, 8, 1, 0, 0, 0, 1, 9]).write(to: labels)
        let fromCsv: LabeledDataset<Double> = try DatasetLoader.csv(path: csv.path)
        #expect(fromCsv.labels == [2, 0] && fromCsv.features.scalars == [0.5, 1.5, 2.5, 3.5])
        let fromIdx: LabeledDataset<Float> = try DatasetLoader.idx(imagesPath: images.path, labelsPath: labels.path)
        #expect(fromIdx.labels == [9] && fromIdx.features.scalars == [10, 20, 30])
        #expect(throws: MetricLearningError.self) { let _: LabeledDataset<Float> = try DatasetLoader.csv(path: directory.appendingPathComponent("none").path) }
    }

    @Test func seededSplit() throws {
        let data = try LabeledDataset(features: try Tensor<Double>(shape: [10, 1], scalars: (0..<10).map(Double.init)), labels: Array(0..<10))
        let (a, b) = try data.split(trainingFraction: 0.8, seed: 3)
        #expect(a.count == 8 && b.count == 2)
        #expect(Set(a.labels + b.labels) == Set(0..<10))
        #expect(try data.split(trainingFraction: 0.8, seed: 3).training.labels == a.labels)
    }
}
