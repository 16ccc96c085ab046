import MetricLearning
import MetricLearningRegistry

extension Fuzzer {
    /// A `.mismatch` when two finite values of one loss computed two ways differ by more
    /// than rounding (relative 1e-3 in `Float`, 1e-8 in `Double`).
    static func disagreement(_ a: S, _ aName: String, _ b: S, _ bName: String) -> FuzzOutcome? {
        guard a.isFinite, b.isFinite else { return nil }
        let tolerance: S = S.self == Float.self ? 1e-3 : 1e-8
        guard abs(a - b) > tolerance * max(1, abs(a), abs(b)) else { return nil }
        return .mismatch("\(aName) gives \(a), \(bName) \(b)")
    }

    /// One metric loss on a hostile batch (against itself or references), with or without
    /// tuples, through `valueWithGradient`, `valueWithGradients` (references), a
    /// `BatchInputs` with a `selfOffset`, or `value` (no tape).
    func metricLossCase(_ entry: RegistryEntry<any MetricLoss<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let loss = entry.object
        let batch = MetricBatch(&gen, separate: 0.4, balanced: entry.traits.contains(.balancedClasses))
        let tuples = gen.tuples(anchors: batch.anchorCount, references: batch.referenceCount, labels: batch.labels,
                                referenceLabels: batch.referenceLabels, selfOffset: batch.selfOffset)
        let valid = batch.isValid && HostileInputs<S>.tuplesFit(tuples, anchors: batch.anchorCount, references: batch.referenceCount)
            && entry.traits.accepts(labels: batch.labels, separateReferences: batch.hasSeparateReferences, tuples: tuples != nil,
                                    sameRows: batch.referenceCount == batch.anchorCount)
        let mode = batch.references == nil ? gen.pick(["valueWithGradient", "valueWithGradient", "value"])
                 : batch.references!.selfOffset == nil && !batch.references!.isEmbeddings ? gen.pick(["valueWithGradients", "inputs"]) : "inputs"
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .metricLoss, name: Self.name(entry.name),
                                  description: "\(mode) " + gen.notes.joined(separator: " "))
        let probe = { (factor: S) in try batch.scaled(by: factor).valueWithGradients { try loss($0, tuples: tuples) }.value }
        call(context, Expectation(valid: valid, batch.tensors), dumps: batch.dumps, tally: &tally, probe: probe) {
            switch mode {
            case "valueWithGradient":
                let r = try loss.valueWithGradient(embeddings: batch.embeddings, labels: batch.labels, tuples: tuples)
                return MetricBatch.finiteness(r.value, [r.gradient])
            case "value":
                let value = try loss.value(embeddings: batch.embeddings, labels: batch.labels, tuples: tuples)
                guard !value.isFinite else { return [] }
                // Name an overflow the gradient path names (a range limit, not a defect of `value`).
                _ = try loss.valueWithGradient(embeddings: batch.embeddings, labels: batch.labels, tuples: tuples)
                return [.nonFinite("value(embeddings:labels:tuples:) is \(value), valueWithGradient is finite")]
            case "valueWithGradients":
                let refs = batch.references!
                let r = try loss.valueWithGradients(embeddings: batch.embeddings, labels: batch.labels, references: refs.tensor,
                                                    referenceLabels: refs.labels, tuples: tuples)
                return MetricBatch.finiteness(r.value, [r.embeddingsGradient, r.referencesGradient])
            default:
                let r = try batch.valueWithGradients { try loss($0, tuples: tuples) }
                var problems = MetricBatch.finiteness(r.value, r.gradients)
                if let refs = batch.references, refs.isEmbeddings, !entry.traits.contains(.batchOnly) {
                    // The same batch as two variables must give the same value.
                    var copy = batch
                    copy.references!.isEmbeddings = false
                    let separate = try copy.valueWithGradients { try loss($0, tuples: tuples) }.value
                    if let problem = Self.disagreement(r.value, "with the embeddings as references", separate, "with a copy") { problems.append(problem) }
                }
                return problems
            }
        }
    }

    /// One classifier loss with hostile embeddings, class weights (sometimes of the wrong
    /// shape or rank, or with no classes) and class labels (sometimes out of range).
    func classifierLossCase(_ entry: RegistryEntry<any ClassifierLoss<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let n = gen.batchSize(), d = gen.width()
        let embeddings = gen.matrix(n, d, "emb")
        let classes = gen.chance(0.05) ? 0 : gen.int(1...12)
        // The loss's own layout of its parameter ([d, classes] class weights, [d, classes·k] sub-centres,
        // [classes, d] proxies, …), linear in the classes: a parameter for any number of classes that
        // covers the labels is valid (one proxy row more or less may be; an embedding column is not).
        func layout(_ classes: Int) -> [Int] { (try? entry.object.initialWeights(classCount: classes, embeddingSize: d, seed: 0).shape) ?? [d, classes] }
        let (base, own) = (layout(0), layout(classes))
        let step = zip(layout(1), base).map { $0 - $1 }
        var shape = (own[0], own[1])
        if gen.chance(0.12) { shape = gen.pick([(shape.0 + 1, shape.1), (max(0, shape.0 - 1), shape.1), (shape.1, shape.0), (0, shape.1), (shape.0, 0)]) }
        let weights = gen.matrix(shape.0, shape.1, "weights")
        let labels = gen.classLabels(n, classes: classes)
        let valid = HostileInputs<S>.isGoodMatrix(embeddings) && HostileInputs<S>.isGoodMatrix(weights) && labels.count == n
            && labels.allSatisfy { $0 >= 0 && $0 < classes + 13 } && (Swift.max(1, (labels.max() ?? 0) + 1)...(classes + 13)).contains { count in
                zip(base, step).map { $0 + count * $1 } == weights.shape
            }
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .classifierLoss, name: Self.name(entry.name),
                                  description: gen.notes.joined(separator: " "))
        let dumps = [HostileInputs<S>.dump("embeddings", embeddings), HostileInputs<S>.dump("weights", weights), "labels \(labels)"]
        let probe = { (factor: S) in
            try entry.object.valueWithGradient(embeddings: embeddings * factor, weights: weights * factor, labels: labels).value
        }
        call(context, Expectation(valid: valid, [embeddings, weights]), dumps: dumps, tally: &tally, probe: probe) {
            let r = try entry.object.valueWithGradient(embeddings: embeddings, weights: weights, labels: labels)
            return MetricBatch.finiteness(r.value, [r.embeddingsGradient, r.weightsGradient])
        }
    }

    /// One loss × miner pair: the fused path `loss(inputs, minedBy: miner)`, then the same
    /// loss over the tuples `miner.mine(inputs)` lists; when both return, their values must
    /// agree.
    func fusedCase(_ lossEntry: RegistryEntry<any MetricLoss<S>>, _ minerEntry: RegistryEntry<any Miner<S>>, _ iteration: Int,
                   _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let (loss, miner) = (lossEntry.object, minerEntry.object)
        let batch = MetricBatch(&gen, separate: 0.3, balanced: lossEntry.traits.contains(.balancedClasses))
        let name = Self.name("\(lossEntry.name) × \(minerEntry.name)")
        let accepted = lossEntry.traits.accepts(labels: batch.labels, separateReferences: batch.hasSeparateReferences, tuples: true,
                                                sameRows: batch.referenceCount == batch.anchorCount)
        let expect = Expectation(valid: batch.isValid(for: minerEntry) && accepted, batch.tensors)
        let notes = gen.notes.joined(separator: " ")
        var fused: S?
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .fused, name: name, description: "minedBy " + notes)
        let fusedProbe = { (factor: S) in try batch.scaled(by: factor).valueWithGradients { try loss($0, minedBy: miner) }.value }
        call(context, expect, dumps: batch.dumps, tally: &tally, probe: fusedProbe) {
            let r = batch.references == nil
                ? try loss.valueWithGradient(embeddings: batch.embeddings, labels: batch.labels, minedBy: miner).value
                : try batch.valueWithGradients { try loss($0, minedBy: miner) }.value
            fused = r
            return MetricBatch.finiteness(r, [])
        }
        let listedContext = FuzzContext(seed: seed, iteration: iteration, kind: .fused, name: name, description: "mine, then tuples " + notes)
        let listedProbe = { (factor: S) in
            try batch.scaled(by: factor).valueWithGradients { try loss($0, tuples: try miner.mine($0)) }.value
        }
        call(listedContext, expect, dumps: batch.dumps, tally: &tally, probe: listedProbe) {
            let r = try batch.valueWithGradients { try loss($0, tuples: try miner.mine($0)) }
            var problems = MetricBatch.finiteness(r.value, r.gradients)
            if let fused, let problem = Self.disagreement(fused, "minedBy", r.value, "mine-then-reduce") { problems.append(problem) }
            return problems
        }
    }

    /// A `CrossBatchMemory` over the loss (with a random miner or none) and a memory of a
    /// hostile size (negative, zero, smaller than a batch, `Int.max`), fed 1–4 successive
    /// batches whose widths sometimes change.
    func memoryCase(_ entry: RegistryEntry<any MetricLoss<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let minerEntry = gen.chance(0.5) ? nil : gen.pick(miners)
        let memorySize = gen.chance(0.15) ? gen.pick([-1, 0, 1]) : gen.pick([gen.int(1...20), gen.int(40...100), Int.max])
        var memory = CrossBatchMemory<S>(loss: entry.object, miner: minerEntry?.object, memorySize: memorySize)
        let name = Self.name("\(entry.name) + \(minerEntry?.name ?? "all")")
        var width = gen.width()
        for step in 0..<gen.int(1...4) {
            gen.notes = ["memorySize[\(memorySize)] holds[\(memory.memoryLabels.count)] step[\(step)]"]
            if gen.chance(0.15) { width = gen.width() }
            let n = gen.batchSize()
            let embeddings = gen.matrix(n, width, "emb")
            let labels = gen.labels(n, "labels", pool: gen.chance(0.7) ? memory.memoryLabels : [])
            let valid = HostileInputs<S>.isGoodMatrix(embeddings) && labels.count == n && memorySize >= n
                && (memory.memory.first?.count ?? width) == width && (minerEntry?.traits.contains(.readsLayout) != true || n % 3 == 0)
                && entry.traits.accepts(labels: labels, separateReferences: true, tuples: minerEntry != nil,
                                        // The memory's references: the batch, then what it keeps of the older ones.
                                        sameRows: min(memory.memory.count, memorySize - n) <= 0)
            let stored = try! Tensor<S>(shape: [memory.memory.flatMap { $0 }.count], scalars: memory.memory.flatMap { $0 })
            let context = FuzzContext(seed: seed, iteration: iteration, kind: .memory, name: name, description: gen.notes.joined(separator: " "))
            let dumps = [HostileInputs<S>.dump("embeddings", embeddings), "labels \(labels)", HostileInputs<S>.dump("memory", stored),
                         "memoryLabels \(memory.memoryLabels)"]
            call(context, Expectation(valid: valid, [embeddings, stored]), dumps: dumps, tally: &tally) {
                let r = try memory.valueWithGradient(embeddings: embeddings, labels: labels)
                return MetricBatch.finiteness(r.value, [r.gradient])
            }
        }
    }
}
