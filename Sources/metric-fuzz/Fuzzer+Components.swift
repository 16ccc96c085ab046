import MetricLearning
import MetricLearningRegistry

extension Fuzzer {
    /// One miner on a hostile batch (against itself or references); the tuples it returns
    /// from a valid batch must index inside it, never pair an anchor with its own copy, and
    /// pair labels the right way (positives equal, negatives different).
    func minerCase(_ entry: RegistryEntry<any Miner<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let batch = MetricBatch(&gen, separate: 0.4)
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .miner, name: Self.name(entry.name),
                                  description: "mine " + gen.notes.joined(separator: " "))
        let valid = batch.isValid(for: entry)
        call(context, Expectation(valid: valid, batch.tensors), dumps: batch.dumps, tally: &tally) {
            let tuples = try entry.object.mine(batch.tensorInputs)
            return valid ? batch.problems(of: tuples, labelled: !entry.traits.contains(.readsLayout)) : []
        }
    }

    /// One distance: the full matrix of x against y (or x against itself) with its gradient,
    /// or sparse values at index lists that are sometimes out of range or of unequal length.
    /// Distances check shapes and indices but not finiteness: NaN in, NaN out is fine.
    func distanceCase(_ entry: RegistryEntry<any Distance<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let distance = entry.object
        let (n, d) = (gen.batchSize(), gen.width())
        let x = gen.matrix(n, d, "x")
        let same = gen.chance(0.4)
        let y = same ? x : gen.matrix(gen.batchSize(), gen.chance(0.1) ? gen.width() : d, "y")
        let shapesFit = x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1]
        let nonEmpty = shapesFit && x.shape[0] > 0 && y.shape[0] > 0 && x.shape[1] > 0
        let m = y.rank == 2 ? y.shape[0] : 0
        let sparse = gen.chance(0.4)
        var rows: [Int] = [], columns: [Int] = []
        if sparse {
            let count = gen.int(0...30)
            rows = (0..<count).map { _ in n > 0 ? gen.int(0...(n - 1)) : 0 }
            columns = (0..<count).map { _ in m > 0 ? gen.int(0...(m - 1)) : 0 }
            if gen.chance(0.25) {
                let bad = gen.pick([-1, n, m, Int.max, Int.min, n + 5])
                if gen.chance(0.5) { rows.append(bad); columns.append(0) } else { rows.append(0); columns.append(bad) }
            }
            if gen.chance(0.1) { columns.append(0) }
            gen.notes.append("rows\(rows) columns\(columns)")
        }
        let indicesFit = rows.count == columns.count && rows.allSatisfy { $0 >= 0 && $0 < n } && columns.allSatisfy { $0 >= 0 && $0 < m }
        let valid = sparse ? nonEmpty && indicesFit && x.isFinite && y.isFinite : nonEmpty && x.isFinite && y.isFinite
        var expect = Expectation(valid: valid, checked: false, same ? [x] : [x, y])
        expect.mustReject = !shapesFit || (sparse && !indicesFit)
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .distance, name: Self.name(entry.name),
                                  description: (sparse ? "values " : same ? "matrix(x) " : "matrix(x, y) ") + gen.notes.joined(separator: " "))
        let dumps = [HostileInputs<S>.dump("x", x)] + (same ? [] : [HostileInputs<S>.dump("y", y)])
        func sum(_ x: Tensor<S>, _ y: Tensor<S>) throws -> (value: S, gradients: [Tensor<S>]) {
            if same && !sparse {
                let r = try valueWithGradient(at: x) { distance($0).sum() }
                return (r.value, [r.gradient])
            }
            let r = try valueWithGradient(at: [x, y]) { v in
                sparse ? distance.values(v[0], against: same ? v[0] : v[1], rows: rows, columns: columns).sum() : distance(v[0], v[1]).sum()
            }
            return (r.value, r.gradient)
        }
        call(context, expect, dumps: dumps, tally: &tally, probe: { try sum(x * $0, y * $0).value }) {
            let r = try sum(x, y)
            return MetricBatch.finiteness(r.value, r.gradients)
        }
    }

    /// One reducer over a hostile vector of terms (0–40 of them, sometimes of another rank),
    /// per element or per pair of a batch labelled in the registry's 4 classes.
    func reducerCase(_ entry: RegistryEntry<any Reducer<S>>, _ iteration: Int, _ gen: inout HostileInputs<S>, _ tally: inout FuzzTally) {
        let count = gen.chance(0.2) ? gen.int(0...2) : gen.int(0...40)
        var terms = gen.matrix(1, count, "terms")
        if gen.chance(0.5) { terms = terms.map { abs($0) } } else { gen.notes.append("signed") }
        if terms.rank == 2 && gen.chance(0.9) { terms = try! terms.reshaped(to: [count]) }
        let labels = (0..<max(count, 1)).map { _ in gen.int(0...3) }
        let pairs: [IndexPair]? = gen.chance(0.5) ? (0..<count).map { _ in
            IndexPair(anchor: Int32(gen.int(0...(labels.count - 1))), other: Int32(gen.int(0...(labels.count - 1))))
        } : nil
        if pairs != nil { gen.notes.append("pairs") }
        let context = FuzzContext(seed: seed, iteration: iteration, kind: .reducer, name: Self.name(entry.name),
                                  description: "reduce " + gen.notes.joined(separator: " "))
        let expect = Expectation(valid: terms.rank == 1 && terms.isFinite, checked: false, [terms])
        let reduce = { (values: Variable<S>) in
            entry.object.reduce(pairs.map { LossTerms(values, pairs: $0, kind: .negativePair, labels: labels) } ?? LossTerms(elements: values, labels: labels))
        }
        let probe = { (factor: S) in try valueWithGradient(at: terms * factor, in: reduce).value }
        call(context, expect, dumps: [HostileInputs<S>.dump("terms", terms)], tally: &tally, probe: probe) {
            let r = try valueWithGradient(at: terms, in: reduce)
            return MetricBatch.finiteness(r.value, [r.gradient])
        }
    }
}
