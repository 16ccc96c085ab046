import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites cannot check of `CircleLoss`, whose gradient holds αₚ and αₙ
/// constant as PML does (the registry marks it `detachedFactors`): (a) the PML 2.9 `circle_*` cases of `catalogue_pairs.json` (the bundled copy under
/// `Fixtures/`, byte-identical to `/work/shared/reference/catalogue_pairs.json`);
/// (b) the gradient against central finite differences of the detached form (αₚ, αₙ held at
/// their values at the point); (c) separate references; (d) degenerate batches and bad input.
@Suite("Circle loss: its detached gradient, PML cases, references, degenerate batches")
struct CircleLossTests {
    struct Case {
        let name: String
        let kwargs: [String: Double]
        let embeddings: Tensor<Double>
        let labels: [Int]
        let references: Tensor<Double>?
        let referenceLabels: [Int]?
        let mined: MinedTuples?
        let loss: Double
        let gradEmbeddings: [Double]
        let gradReferences: [Double]?

        var circle: CircleLoss<Double> {
            CircleLoss(margin: kwargs["m"] ?? 0.4, gamma: kwargs["gamma"] ?? 80)
        }
    }

    static let cases: [Case] = {
        let url = Bundle.module.url(forResource: "catalogue_pairs", withExtension: "json", subdirectory: "Fixtures")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).filter { ($0["name"] as! String).hasPrefix("circle_") }.map { c in
            let pml = c["pml"] as! [String: Any]
            let loss = pml["loss"] as! [String: Any]
            precondition(loss["class"] as! String == "CircleLoss")
            let kwargs = (loss["kwargs"] as! [String: NSNumber]).mapValues(\.doubleValue)
            precondition(Set(kwargs.keys).isSubset(of: ["m", "gamma"]), "unexpected kwargs \(kwargs)")
            var mined: MinedTuples?
            if let m = c["mined"] as? [String: Any] {
                func ints(_ key: String) -> [[Int32]] { (m[key] as! [[NSNumber]]).map { $0.map(\.int32Value) } }
                if m["kind"] as! String == "triplets" {
                    mined = .triplets(ints("anchor_positive_negative").map { IndexTriplet(anchor: $0[0], positive: $0[1], negative: $0[2]) })
                } else {
                    mined = .pairs(positive: ints("positive_pairs").map { IndexPair(anchor: $0[0], other: $0[1]) },
                                   negative: ints("negative_pairs").map { IndexPair(anchor: $0[0], other: $0[1]) })
                }
            }
            func matrix(_ key: String) -> Tensor<Double>? {
                (c[key] as? [[NSNumber]]).map { try! Tensor(rows: $0.map { $0.map(\.doubleValue) }) }
            }
            return Case(
                name: c["name"] as! String, kwargs: kwargs, embeddings: matrix("embeddings")!,
                labels: (c["labels"] as! [NSNumber]).map(\.intValue),
                references: matrix("references"), referenceLabels: (c["reference_labels"] as? [NSNumber])?.map(\.intValue),
                mined: mined, loss: (c["loss"] as! NSNumber).doubleValue,
                gradEmbeddings: matrix("grad_embeddings")!.scalars, gradReferences: matrix("grad_references")?.scalars)
        }
    }()

    static let caseNames = ["circle_default", "circle_m025_g256", "circle_references", "circle_multi_similarity_miner"]

    static func named(_ name: String) -> Case { cases.first { $0.name == name }! }

    /// The loss of a case and its gradients (embeddings, and references when it has them).
    static func evaluate(_ c: Case, _ loss: CircleLoss<Double>) throws -> (Double, [Double], [Double]?) {
        if let references = c.references {
            let r = try loss.valueWithGradients(embeddings: c.embeddings, labels: c.labels, references: references,
                                                referenceLabels: c.referenceLabels!, tuples: c.mined)
            return (r.value, r.embeddingsGradient.scalars, r.referencesGradient.scalars)
        }
        let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels, tuples: c.mined)
        return (value, gradient.scalars, nil)
    }

    // MARK: (a) PML reference cases

    @Test func theCatalogueHasTheseCircleCases() {
        #expect(Self.cases.map(\.name) == Self.caseNames)
    }

    @Test(arguments: caseNames) func matchesPML(name: String) throws {
        let c = Self.named(name)
        let (value, gradE, gradR) = try Self.evaluate(c, c.circle)
        expectClose([value], [c.loss], "\(name) loss")
        expectClose(gradE, c.gradEmbeddings, "\(name) grad_embeddings")
        #expect((gradR == nil) == (c.gradReferences == nil))
        if let gradR, let expected = c.gradReferences { expectClose(gradR, expected, "\(name) grad_references") }
    }

    @Test func minedCaseIsWhatTheMultiSimilarityMinerMines() throws {
        let c = Self.named("circle_multi_similarity_miner")
        let mined = try MultiSimilarityMiner<Double>(epsilon: 0.1).mine(c.embeddings, labels: c.labels)
        let (p, n) = mined.asPairs(), (ep, en) = c.mined!.asPairs()
        #expect(Set(p.map { [$0.anchor, $0.other] }) == Set(ep.map { [$0.anchor, $0.other] }))
        #expect(Set(n.map { [$0.anchor, $0.other] }) == Set(en.map { [$0.anchor, $0.other] }))
    }

    // MARK: (b) finite differences of the detached form

    /// An independent implementation of PML's circle loss with αₚ, αₙ frozen at the
    /// similarities `frozen` (cosine, default mean of non-zero over the anchors that count
    /// at the point), from plain `Variable` operations: gathered similarities, a shifted
    /// log-sum-exp per side, softplus by sign. At `frozen` itself its value is the loss,
    /// and its derivative is the derivative PML (and `CircleLoss`) back-propagates.
    static func frozenCircle(
        _ x: Variable<Double>, _ y: Variable<Double>?, labels: [Int], referenceLabels: [Int],
        tuples: MinedTuples?, margin m: Double, gamma: Double, frozen: Tensor<Double>
    ) -> Variable<Double> {
        let s = CosineSimilarity<Double>().matrix(x, y ?? x)
        let (rows, cols) = (frozen.shape[0], frozen.shape[1])
        var positive = Set<[Int]>(), negative = Set<[Int]>()
        if let tuples {
            let (p, n) = tuples.asPairs()
            for q in p { positive.insert([Int(q.anchor), Int(q.other)]) }
            for q in n { negative.insert([Int(q.anchor), Int(q.other)]) }
        } else {
            for i in 0..<rows { for j in 0..<cols where y != nil || i != j {
                if labels[i] == referenceLabels[j] { positive.insert([i, j]) } else { negative.insert([i, j]) }
            } }
        }
        var terms: [Variable<Double>] = []
        var nonZero = 0
        for i in 0..<rows {
            let ps = (0..<cols).filter { positive.contains([i, $0]) }, ns = (0..<cols).filter { negative.contains([i, $0]) }
            guard !ps.isEmpty, !ns.isEmpty else { continue }
            func side(_ columns: [Int], _ isPositive: Bool) -> Variable<Double> {
                let v = s.gatheringElements(rows: Array(repeating: i, count: columns.count), columns: columns)
                let f = columns.map { frozen.scalars[i * cols + $0] }
                let scale = f.map { isPositive ? -gamma * max(1 + m - $0, 0) : gamma * max($0 + m, 0) }
                let e = (v - (isPositive ? 1 - m : m)) * Variable(Tensor(scale))
                let c = e.value.scalars.max()!
                return (e - c).exp().sum().log() + c
            }
            let z = side(ps, true) + side(ns, false)
            let term = z.value.scalars[0] > 0 ? z + (-z).exp().log1p() : z.exp().log1p()
            if term.value.scalars[0] > 0 { nonZero += 1 }
            terms.append(term)
        }
        guard !terms.isEmpty, nonZero > 0 else { return x.sum() * 0 }
        return terms.dropFirst().reduce(terms[0], +) / Double(nonZero)
    }

    @Test(arguments: caseNames) func gradientIsTheDetachedFormsFiniteDifference(name: String) throws {
        let c = Self.named(name)
        let (m, gamma) = (c.kwargs["m"] ?? 0.4, c.kwargs["gamma"] ?? 80)
        let refs = c.references
        let frozen = try CosineSimilarity<Double>().matrix(c.embeddings, refs ?? c.embeddings)
        let points = [c.embeddings] + (refs.map { [$0] } ?? [])
        let report = try checkGradients(at: points) { v in
            Self.frozenCircle(v[0], refs == nil ? nil : v[1], labels: c.labels, referenceLabels: c.referenceLabels ?? c.labels,
                              tuples: c.mined, margin: m, gamma: gamma, frozen: frozen)
        }
        // The independent frozen form: its own autodiff agrees with its finite differences,
        // and its value at the point is the loss.
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(name) frozen form: \(report)")
        let (value, gradE, gradR) = try Self.evaluate(c, c.circle)
        expectClose([report.value], [value], "\(name) frozen form's value")
        // CircleLoss's gradient is the central difference of the detached form.
        let numeric = report.elements.map(\.numeric)
        expectClose(gradE + (gradR ?? []), numeric, atol: 1e-6, rtol: 1e-5, "\(name) gradient vs detached finite differences")
        // …and not the finite difference of the loss itself, whose α move with s.
        let full = try checkGradients(at: points) { v in
            try refs == nil ? c.circle(v[0], labels: c.labels, tuples: c.mined)
                : c.circle(v[0], labels: c.labels, references: v[1], referenceLabels: c.referenceLabels!, tuples: c.mined)
        }
        #expect(!full.isWithin(absoluteTolerance: 1e-4, relativeTolerance: 1e-3), "\(name): detaching α should matter")
    }

    @Test func gradientOnRandomBatchesFloatAndDouble() throws {
        let x: Tensor<Double> = randomMatrix(12, 5, seed: 7)
        let labels = (0..<12).map { $0 % 3 }
        for (m, gamma) in [(0.4, 80.0), (0.25, 256), (0.1, 4)] {
            let loss = CircleLoss<Double>(margin: m, gamma: gamma)
            let frozen = try CosineSimilarity<Double>().matrix(x, x)
            let report = try checkGradients(at: x) {
                Self.frozenCircle($0, nil, labels: labels, referenceLabels: labels, tuples: nil, margin: m, gamma: gamma, frozen: frozen)
            }
            let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
            expectClose([value], [report.value], "m=\(m) γ=\(gamma) value")
            expectClose(gradient.scalars, report.elements.map(\.numeric), atol: 1e-6, rtol: 1e-5, "m=\(m) γ=\(gamma) gradient")
            // Float agrees with Double.
            let xf = try Tensor<Float>(shape: x.shape, scalars: x.scalars.map { Float($0) })
            let (vf, gf) = try CircleLoss<Float>(margin: Float(m), gamma: Float(gamma)).valueWithGradient(embeddings: xf, labels: labels)
            expectClose([vf], [Float(value)], atol: 1e-3, rtol: 1e-4, "Float value")
            expectClose(gf.scalars, gradient.scalars.map { Float($0) }, atol: 1e-3, rtol: 1e-3, "Float gradient")
        }
    }

    // MARK: (c) separate references

    @Test func referencesThatCopyTheBatchGiveTheBatchLoss() throws {
        let x: Tensor<Double> = randomMatrix(10, 4, seed: 3)
        let labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 2]
        let loss = CircleLoss<Double>()
        let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
        // The references contain the batch at offset 2 (two extra rows ahead of it).
        let extra: Tensor<Double> = randomMatrix(2, 4, seed: 4)
        let refs = try Tensor<Double>(shape: [12, 4], scalars: extra.scalars + x.scalars)
        let (v2, g2) = try valueWithGradient(at: [x, refs]) { v in
            try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: [5, 6] + labels, selfOffset: 2), tuples: nil)
        }
        #expect(v2 > 0 && v2.isFinite && g2[0].isFinite && g2[1].isFinite)
        // Without the extra rows (negatives of every anchor, so they change the loss), a copy of the
        // batch as references gives exactly the batch loss, its gradient split between the two inputs.
        let (v3, g3) = try valueWithGradient(at: [x, x]) { v in
            try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: labels, selfOffset: 0), tuples: nil)
        }
        expectClose([v3], [value], "copied references value")
        expectClose(zip(g3[0].scalars, g3[1].scalars).map(+), gradient.scalars, "copied references gradient")
    }

    @Test func separateReferencesMatchAnIndependentComputation() throws {
        let x: Tensor<Double> = randomMatrix(6, 4, seed: 11), y: Tensor<Double> = randomMatrix(9, 4, seed: 12)
        let labels = [0, 1, 2, 0, 1, 3], refLabels = [0, 0, 1, 1, 2, 2, 0, 1, 2]
        let loss = CircleLoss<Double>(margin: 0.3, gamma: 30)
        let r = try loss.valueWithGradients(embeddings: x, labels: labels, references: y, referenceLabels: refLabels)
        let frozen = try CosineSimilarity<Double>().matrix(x, y)
        let report = try checkGradients(at: [x, y]) { v in
            Self.frozenCircle(v[0], v[1], labels: labels, referenceLabels: refLabels, tuples: nil, margin: 0.3, gamma: 30, frozen: frozen)
        }
        expectClose([r.value], [report.value], "value")
        expectClose(r.embeddingsGradient.scalars + r.referencesGradient.scalars, report.elements.map(\.numeric),
                    atol: 1e-6, rtol: 1e-5, "gradients")
        // Anchor 5 (label 3) has no positive among the references: it does not count.
        #expect(r.embeddingsGradient.scalars[20..<24].allSatisfy { $0 == 0 })
    }

    // MARK: (d) degenerate batches, no pairs, bad input

    @Test func degenerateBatchesAreFinite() throws {
        let x: Tensor<Double> = randomMatrix(6, 4, seed: 1)
        var withZeroRow = x.scalars
        for k in 0..<4 { withZeroRow[k] = 0 }
        let batches: [(String, Tensor<Double>, [Int], Bool)] = [
            ("one class", x, [3, 3, 3, 3, 3, 3], true),
            ("all distinct", x, [0, 1, 2, 3, 4, 5], true),
            ("zero vectors", try Tensor<Double>.zeros(shape: [6, 4]), [0, 0, 1, 1, 2, 2], false),
            ("one zero row", try Tensor(shape: [6, 4], scalars: withZeroRow), [0, 0, 1, 1, 2, 2], false),
            ("duplicates", try Tensor(shape: [6, 4], scalars: Array(x.scalars[0..<8]) + Array(x.scalars[0..<8]) + Array(x.scalars[0..<8])),
             [0, 1, 0, 1, 0, 1], false),
            ("magnitude 1e30", x * 1e30, [0, 0, 1, 1, 2, 2], false),
            ("magnitude 1e-30", x * 1e-30, [0, 0, 1, 1, 2, 2], false),
        ]
        for (name, batch, labels, isZero) in batches {
            for loss in [CircleLoss<Double>(), CircleLoss<Double>(margin: 0.25, gamma: 256)] {
                let (value, gradient) = try loss.valueWithGradient(embeddings: batch, labels: labels)
                #expect(value.isFinite && gradient.isFinite, "\(name): \(value)")
                if isZero { #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 }, "\(name) has no anchor with both kinds") }
                let bf = try Tensor<Float>(shape: batch.shape, scalars: batch.scalars.map { Float($0) })
                let (vf, gf) = try CircleLoss<Float>(margin: 0.25, gamma: 256).valueWithGradient(embeddings: bf, labels: labels)
                #expect(vf.isFinite && gf.isFinite, "Float \(name): \(vf)")
            }
        }
        // Zero vectors: every similarity is 0, so every anchor has the same finite term.
        let zero = try CircleLoss<Double>().value(embeddings: try Tensor<Double>.zeros(shape: [6, 4]), labels: [0, 0, 1, 1, 2, 2])
        let expected = log1p(exp(log(exp(-80 * 1.4 * (0 - 0.6))) + log(4 * exp(80 * 0.4 * (0 - 0.4)))))
        expectClose([zero], [expected], "zero vectors")
    }

    @Test func noPairsGiveZeroWithZeroGradient() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 2)
        let loss = CircleLoss<Double>()
        let cases: [(String, Tensor<Double>, [Int], MinedTuples?)] = [
            ("one sample", try Tensor(shape: [1, 3], scalars: [1, 2, 3]), [0], nil),
            ("empty pairs", x, [0, 0, 1, 1, 2], .pairs(positive: [], negative: [])),
            ("empty triplets", x, [0, 0, 1, 1, 2], .triplets([])),
            // PML's GenericPairLoss: at most one positive and one negative pair is no loss.
            ("one positive and one negative pair", x, [0, 0, 1, 1, 2],
             .pairs(positive: [IndexPair(anchor: 0, other: 1)], negative: [IndexPair(anchor: 0, other: 2)])),
            ("one triplet", x, [0, 0, 1, 1, 2], .triplets([IndexTriplet(anchor: 0, positive: 1, negative: 2)])),
            ("positives only", x, [0, 0, 1, 1, 2], .pairs(positive: [IndexPair(anchor: 0, other: 1), IndexPair(anchor: 2, other: 3)], negative: [])),
        ]
        for (name, batch, labels, tuples) in cases {
            let (value, gradient) = try loss.valueWithGradient(embeddings: batch, labels: labels, tuples: tuples)
            #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 }, "\(name): \(value)")
            #expect(gradient.shape == batch.shape)
        }
        // Two listings of (0, 1) pass PML's "more than one pair" test, but a repeated pair is one
        // entry of its mask: the loss is anchor 0's term over {(0, 1)} and {(0, 2)}, alone.
        let twice = MinedTuples.pairs(positive: [IndexPair(anchor: 0, other: 1), IndexPair(anchor: 0, other: 1)],
                                      negative: [IndexPair(anchor: 0, other: 2)])
        let value = try loss.value(embeddings: x, labels: [0, 0, 1, 1, 2], tuples: twice)
        let s = try CosineSimilarity<Double>().matrix(x, x).scalars
        let (sp, sn) = (s[1], s[2])
        let z = -80 * max(1.4 - sp, 0) * (sp - 0.6) + 80 * max(sn + 0.4, 0) * (sn - 0.4)
        expectClose([value], [max(z, 0) + log1p(exp(-abs(z)))], "repeated pair counts once")
    }

    @Test func badHyperparametersAndTuplesThrow() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 2)
        let labels = [0, 0, 1, 1, 2]
        func kind(_ body: () throws -> Void) -> (MetricLearningError.Kind, String)? {
            do { try body() } catch let e as MetricLearningError { return (e.kind, e.message) } catch { return nil }
            return nil
        }
        for (loss, word) in [(CircleLoss<Double>(margin: .nan), "margin"), (CircleLoss<Double>(gamma: .infinity), "gamma"),
                             (CircleLoss<Double>(gamma: 0), "gamma"), (CircleLoss<Double>(gamma: -1), "gamma"),
                             (CircleLoss<Double>(distance: EuclideanDistance()), "distance")] {
            let e = kind { _ = try loss.value(embeddings: x, labels: labels) }
            #expect(e?.0 == .invalidParameter && e?.1.contains(word) == true, "\(word): \(String(describing: e))")
        }
        let both = MinedTuples.pairs(positive: [IndexPair(anchor: 0, other: 1), IndexPair(anchor: 2, other: 3)],
                                     negative: [IndexPair(anchor: 0, other: 1)])
        let e = kind { _ = try CircleLoss<Double>().value(embeddings: x, labels: labels, tuples: both) }
        #expect(e?.0 == .invalidTuples, "\(String(describing: e))")
        var bad = x.scalars
        bad[4] = .nan
        let n = kind { _ = try CircleLoss<Double>().value(embeddings: try Tensor(shape: [5, 3], scalars: bad), labels: labels) }
        #expect(n?.0 == .nonFiniteInput)
    }
}
