import Foundation
import MetricLearning
import MetricLearningTesting

/// The bundled reference files, loaded once through the testing product as a consumer would.
enum ProductFixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
    }

    static let lossesAndMiners = try! ReferenceFile.load(contentsOf: url("losses_and_miners"))
    static let cataloguePairs = try! ReferenceFile.load(contentsOf: url("catalogue_pairs"))
    static let catalogueProxies = try! ReferenceFile.load(contentsOf: url("catalogue_proxies"))
}
