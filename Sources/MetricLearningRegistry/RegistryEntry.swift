import MetricLearning
import MetricLearningTesting

/// One enrolled object of the library, under a name every suite reports it by.
///
/// The registries (`Registry`) list each loss, miner, distance and reducer once, for both
/// scalar types; every test suite and the fuzzer iterate them by name, so a new type
/// enrolled there cannot escape a suite. An entry that PML also has carries a builder from
/// PML's class name and keyword arguments, which the reference-fixture runner uses.
package struct RegistryEntry<Object>: CustomStringConvertible {
    /// The name tests report, `kind` or `kind/variant`.
    package let name: String
    /// The configured object.
    package let object: Object
    /// What the suites need to know about it.
    package var traits: RegistryTraits
    /// PML's class for this kind, with a builder from its keyword arguments (only on the one
    /// entry of each kind that stands for PML's class).
    package var pml: PMLBuilder<Object>?

    package init(name: String, object: Object, traits: RegistryTraits = [], pml: PMLBuilder<Object>? = nil) {
        (self.name, self.object, self.traits, self.pml) = (name, object, traits, pml)
    }

    package var description: String { name }
}

/// Facts about an enrolled object that change what a suite may expect of it.
package struct RegistryTraits: OptionSet, Sendable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }
    /// A triplet-based loss: no term (0, zero gradient) without both a positive and a negative.
    package static let needsTriplets = RegistryTraits(rawValue: 1 << 0)
    /// Expects embeddings inside the unit ball (tests scale batches by 0.3).
    package static let unitBall = RegistryTraits(rawValue: 1 << 1)
    /// A miner that draws at random (seeded): deterministic, but not a function of order alone.
    package static let sampling = RegistryTraits(rawValue: 1 << 2)
    /// A loss whose gradient holds some factors constant, as PML detaches them (Circle; PML
    /// 2.9's InstanceLoss detaches nothing): finite differences of the loss itself do not
    /// reproduce it; its own test checks the gradient of the detached form.
    package static let detachedFactors = RegistryTraits(rawValue: 1 << 3)
    /// A miner that reads the batch's layout, not its labels (PML's
    /// `EmbeddingsAlreadyPackagedAsTriplets`): it needs a multiple of 3 rows, and references
    /// that contain the batch or have at least as many rows; its triplets follow the layout
    /// whatever the labels, so suites check their indices but not their labels.
    package static let readsLayout = RegistryTraits(rawValue: 1 << 4)
    /// A loss with a penalty on the embeddings themselves (`RegularizedLoss`): not 0 without
    /// terms or tuples (the penalty remains), though still finite.
    package static let regularized = RegistryTraits(rawValue: 1 << 5)
    /// A loss that needs the same number of items in every class of the batch (SmoothAP):
    /// suites give it `labels(_:)`, and other labels must throw.
    package static let balancedClasses = RegistryTraits(rawValue: 1 << 6)
    /// A loss that compares a batch with itself only (PML takes no `ref_emb`): separate
    /// references, a copy of the batch included, must throw.
    package static let batchOnly = RegistryTraits(rawValue: 1 << 7)
    /// A loss that takes no mined tuples (PML refuses any `indices_tuple`): tuples, even
    /// empty ones, and so every miner, must throw.
    package static let noTuples = RegistryTraits(rawValue: 1 << 8)
    /// A self-supervised loss (`PairedViewsLoss`: VICReg, `SelfSupervisedLoss`): it reads no
    /// labels, and its references are a second view of the batch, row i of both one item, so
    /// references with another number of rows must throw; the batch alone is its own second view.
    package static let pairedViews = RegistryTraits(rawValue: 1 << 9)

    /// The labels a suite gives a loss of these traits instead of `labels`: `labels` itself,
    /// unless `.balancedClasses` asks for equal class counts they lack; then `i mod c` for the
    /// largest c ≤ (the number of distinct labels) that divides N and is at least 2, or c = N.
    package func labels(_ labels: [Int]) -> [Int] {
        guard contains(.balancedClasses), (try? BatchValidation.requireEqualClassCounts(labels)) == nil else { return labels }
        let n = labels.count
        let classes = stride(from: Set(labels).count, through: 2, by: -1).first { n % $0 == 0 } ?? n
        return (0..<n).map { $0 % classes }
    }

    /// Whether a loss of these traits must accept a valid batch with `labels`, against
    /// references other than the batch itself (one variable, its own labels, offset 0) when
    /// `separateReferences`, with or without tuples, and references with as many rows as the
    /// batch or not (`sameRows`); otherwise it must throw.
    package func accepts(labels: [Int], separateReferences: Bool, tuples: Bool, sameRows: Bool = true) -> Bool {
        !(contains(.batchOnly) && separateReferences) && !(contains(.noTuples) && tuples) && (!contains(.pairedViews) || sameRows)
            && (!contains(.balancedClasses) || (try? BatchValidation.requireEqualClassCounts(labels)) != nil)
    }
}

/// How a PML object of one class becomes the library's: the class name and a builder from
/// its keyword arguments (defaults left out are PML's).
package struct PMLBuilder<Object> {
    package let className: String
    package let build: (PMLArguments) throws -> Object

    package init(_ className: String, _ build: @escaping (PMLArguments) throws -> Object) {
        (self.className, self.build) = (className, build)
    }
}
