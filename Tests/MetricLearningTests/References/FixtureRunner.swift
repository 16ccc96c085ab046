import Foundation
import MetricLearning
import MetricLearningRegistry
import MetricLearningTesting

/// Runs reference cases (PML float64) through the library: builds the case's loss and
/// miner from the registries, computes value, gradients and mined tuples in `Double`, and
/// compares them within `1e-8 + 1e-6·|b|` (mined sets exactly).
///
/// The cases are the bundled fixtures, or, when `METRIC_LEARNING_FIXTURES` names a file in
/// one of the reference formats, every case of that file instead. The first bundled file
/// and a named file are strict: a case the library cannot run fails. The bundled catalogue
/// files hold PML's whole catalogue, which the library is still growing into: their cases
/// that name a class or option the library lacks are counted as not supported yet.
enum FixtureRunner {
    /// One case of one file, for `@Test(arguments:)`.
    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let strict: Bool
        let entry: ReferenceFile.Entry
        var description: String { "\(file): \(entry)" }
    }

    enum Outcome {
        case match
        case unsupported(String)
        case mismatch(String)
    }

    static let environmentKey = "METRIC_LEARNING_FIXTURES"

    /// The file named by the environment, if any.
    static var namedFile: String? { ProcessInfo.processInfo.environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 } }

    static let cases: [Case] = {
        if let path = namedFile {
            guard let file = try? ReferenceFile.load(contentsOf: URL(fileURLWithPath: path)) else {
                return [Case(file: path, strict: true, entry: .init(index: 0, name: nil, result: .failure(
                    ReferenceCaseError(index: 0, name: nil, message: "\(path) could not be read as a reference file"))))]
            }
            return file.entries.map { Case(file: path, strict: true, entry: $0) }
        }
        return [("losses_and_miners", true), ("catalogue_pairs", false), ("catalogue_proxies", false)].flatMap { name, strict in
            let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
            return (try! ReferenceFile.load(contentsOf: url)).entries.map { Case(file: "\(name).json", strict: strict, entry: $0) }
        }
    }()

    /// The outcome of one case (a case that does not decode is a mismatch of its own).
    static func run(_ entry: ReferenceFile.Entry) -> Outcome {
        do {
            let c = try entry.get()
            let comparison = try compare(c)
            return comparison.isMatch ? .match : .mismatch("\(comparison)")
        } catch let error as PMLUnsupported {
            return .unsupported(error.description)
        } catch let error as PMLUnsupportedWords {
            return .unsupported(error.description)
        } catch {
            return .mismatch("\(entry): \(error)")
        }
    }

    static func compare(_ c: MetricLearningTesting.ReferenceCase) throws -> ReferenceComparison {
        if c.labels == nil, c.metaClasses == nil, let references = c.references, let object = c.pml?.loss, c.pml?.miner == nil {
            return try compareViews(c, loss: object, references: references)
        }
        let lossObject = try c.pml?.loss ?? LegacyConfiguration.loss(c.configuration ?? KeywordArguments())
        let minerObject = try c.pml?.miner ?? c.minerConfiguration.map(LegacyConfiguration.miner)
        // ManifoldLoss takes meta-classes (one proxy per embedding) where other losses take labels.
        guard let labels = c.labels ?? c.metaClasses else { throw PMLUnsupported("\(lossObject.className) without labels (self-supervised)") }
        // A loss with one parameter of its own (class weights, proxies, centres, under PML's
        // name: W, proxies, fc, weight) takes it as its classifier-loss input.
        guard c.parameters.count <= 1 else { throw PMLUnsupported("\(lossObject.className) with parameters \(c.parameters.map(\.name))") }
        if let weights = c.weights ?? c.parameters.first?.value {
            let loss: any ClassifierLoss<Double> = try Registry.classifierLoss(pml: lossObject)
            let r = try loss.valueWithGradient(embeddings: c.embeddings, weights: weights, labels: labels)
            return c.compare(loss: r.value, gradients: ["embeddings": r.embeddingsGradient, c.parameters.first?.name ?? "weights": r.weightsGradient])
        }
        let loss: any MetricLoss<Double> = try Registry.metricLoss(pml: lossObject)
        let references = c.references ?? c.embeddings, referenceLabels = c.referenceLabels ?? labels
        let inputs = c.references == nil ? BatchInputs(embeddings: c.embeddings, labels: labels)
            : BatchInputs(embeddings: c.embeddings, labels: labels, references: references, referenceLabels: referenceLabels)
        let mined = try minerObject.map { object -> MinedTuples in
            let miner: any Miner<Double> = try Registry.miner(pml: object)
            return try miner.mine(inputs)
        } ?? c.mined
        if c.references == nil {
            let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: labels, tuples: mined)
            return c.compare(loss: value, gradients: ["embeddings": gradient], mined: minerObject == nil ? nil : mined)
        }
        let r = try loss.valueWithGradients(embeddings: c.embeddings, labels: labels, references: references,
                                            referenceLabels: referenceLabels, tuples: mined)
        return c.compare(loss: r.value, gradients: ["embeddings": r.embeddingsGradient, "references": r.referencesGradient],
                         mined: minerObject == nil ? nil : mined)
    }

    /// A self-supervised case (no labels): the embeddings and the references are two views of
    /// the same items, for a loss that takes them as such (a `PairedViewsLoss`).
    static func compareViews(_ c: MetricLearningTesting.ReferenceCase, loss object: PMLObject, references: Tensor<Double>) throws -> ReferenceComparison {
        guard let loss = try Registry.metricLoss(pml: object) as any MetricLoss<Double> as? any PairedViewsLoss<Double> else {
            throw PMLUnsupported("\(object.className) without labels")
        }
        let r = try loss.valueWithGradients(embeddings: c.embeddings, references: references)
        return c.compare(loss: r.value, gradients: ["embeddings": r.embeddingsGradient, "references": r.referencesGradient])
    }
}
