import MetricLearning

/// One reference case: the inputs, the configuration and PML's float64 results.
///
/// Decoded from either fixture format. `losses_and_miners.json` describes the configuration
/// in words (`configuration`, `minerConfiguration`); the catalogue names PML objects (`pml`).
/// Shapes are checked when decoding: `embeddings` is `[N, D]`, every gradient has the shape
/// of its input, labels number N, mined indices lie inside the batch (or the references).
///
/// ```swift
/// let file = try ReferenceFile.load(contentsOf: url)
/// let c = try file.referenceCase(named: "triplet_default")
/// let loss = TripletMarginLoss<Double>(margin: c.configuration!.double("margin")!)
/// let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels!, tuples: c.mined)
/// expectMatches(c, loss: value, gradients: ["embeddings": gradient])
/// ```
public struct ReferenceCase: Sendable {
    /// The case's name, unique within its file.
    public var name: String
    /// The configuration in words (`config` of `losses_and_miners.json`).
    public var configuration: KeywordArguments?
    /// The miner's configuration in words (`miner` of `losses_and_miners.json`).
    public var minerConfiguration: KeywordArguments?
    /// The PML objects (`pml` of the catalogue).
    public var pml: PMLConfiguration?
    /// The batch, `[N, D]`.
    public var embeddings: Tensor<Double>
    /// The N class labels; `nil` for label-free losses (self-supervised, `ManifoldLoss`).
    public var labels: [Int]?
    /// Class weights `[D, C]` (`losses_and_miners.json`, losses that own them).
    public var weights: Tensor<Double>?
    /// PML's `ref_emb`, `[M, D]`, or the second view of self-supervised cases.
    public var references: Tensor<Double>?
    /// PML's `ref_labels`, M of them.
    public var referenceLabels: [Int]?
    /// `ManifoldLoss`'s meta-classes (its `indices_tuple`), one per embedding.
    public var metaClasses: [Int]?
    /// The tuples PML's miner returned, in mined cases.
    public var mined: MinedTuples?
    /// Learnable parameters (catalogue), in PML's layout.
    public var parameters: [ReferenceParameter]
    /// The expected loss value.
    public var loss: Double
    /// The expected ∂loss/∂embeddings, `[N, D]`.
    public var embeddingsGradient: Tensor<Double>
    /// The expected ∂loss/∂weights, `[D, C]`, where `weights` is given.
    public var weightsGradient: Tensor<Double>?
    /// The expected ∂loss/∂references, `[M, D]`, where PML differentiates them.
    public var referencesGradient: Tensor<Double>?
    /// A word on PML's behaviour, where the generator left one.
    public var notes: String?

    /// A case from its parts (for tests that build cases by hand).
    public init(name: String, embeddings: Tensor<Double>, labels: [Int]?, loss: Double, embeddingsGradient: Tensor<Double>,
                configuration: KeywordArguments? = nil, minerConfiguration: KeywordArguments? = nil, pml: PMLConfiguration? = nil,
                weights: Tensor<Double>? = nil, weightsGradient: Tensor<Double>? = nil,
                references: Tensor<Double>? = nil, referenceLabels: [Int]? = nil, referencesGradient: Tensor<Double>? = nil,
                metaClasses: [Int]? = nil, mined: MinedTuples? = nil, parameters: [ReferenceParameter] = [], notes: String? = nil) {
        (self.name, self.configuration, self.minerConfiguration) = (name, configuration, minerConfiguration)
        (self.pml, self.embeddings, self.labels) = (pml, embeddings, labels)
        (self.weights, self.references, self.referenceLabels) = (weights, references, referenceLabels)
        (self.metaClasses, self.mined, self.parameters) = (metaClasses, mined, parameters)
        (self.loss, self.embeddingsGradient, self.weightsGradient) = (loss, embeddingsGradient, weightsGradient)
        (self.referencesGradient, self.notes) = (referencesGradient, notes)
    }

    /// The parameter called `name` (e.g. `"W"`, `"proxies"`), or `nil`.
    public func parameter(named name: String) -> ReferenceParameter? {
        parameters.first { $0.name == name }
    }

    /// Every expected gradient by name: `"embeddings"`, and where given `"weights"`,
    /// `"references"` and each parameter's name. These are the names
    /// `compare(loss:gradients:mined:)` and `expectMatches` accept.
    public var expectedGradients: [String: Tensor<Double>] {
        var out = ["embeddings": embeddingsGradient]
        if let weightsGradient { out["weights"] = weightsGradient }
        if let referencesGradient { out["references"] = referencesGradient }
        for p in parameters { out[p.name] = p.gradient }
        return out
    }
}
