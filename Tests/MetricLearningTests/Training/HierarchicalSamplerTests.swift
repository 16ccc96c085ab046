import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricTraining

/// `HierarchicalSampler`: batches shared by a few super-classes, whole classes of
/// `samplesPerClass` rows each, seeded.
@Suite("Hierarchical sampler")
struct HierarchicalSamplerTests {
    /// 4 super-classes (labels 10, 20, 30, 40) of 5 classes each; class c has 2 + c % 4 rows.
    static let (classes, supers): ([Int], [Int]) = {
        var classes: [Int] = [], supers: [Int] = []
        for c in 0..<20 {
            for _ in 0..<(2 + c % 4) { classes.append(c); supers.append(10 * (1 + c % 4)) }
        }
        return (classes, supers)
    }()

    @Test func batchesShareSuperClassesByWholeClasses() throws {
        for (superclassesPerBatch, batchSize, samples) in [(2, 8, 2), (2, 12, 3), (3, 12, 2), (1, 5, 1)] {
            let sampler = try HierarchicalSampler(classLabels: Self.classes, superclassLabels: Self.supers, batchSize: batchSize,
                                                  samplesPerClass: .count(samples), batchesPerSuperTuple: 3,
                                                  superclassesPerBatch: superclassesPerBatch, seed: 5)
            let combinations = [1: 4, 2: 6, 3: 4][superclassesPerBatch]!
            let batches = sampler.batches(epoch: 0)
            #expect(batches.count == combinations * 3 && sampler.batchesPerEpoch == batches.count)
            var tuples: [Set<Int>: Int] = [:]
            for batch in batches {
                #expect(batch.count <= batchSize)
                let share = batchSize / superclassesPerBatch
                var bySuper: [Int: [Int]] = [:]
                for row in batch { bySuper[Self.supers[row], default: []].append(row) }
                #expect(bySuper.count <= superclassesPerBatch && bySuper.values.allSatisfy { $0.count <= share })
                var byClass: [Int: Int] = [:]
                for row in batch { byClass[Self.classes[row], default: 0] += 1 }
                #expect(byClass.values.allSatisfy { $0 == samples }, "\(byClass)")
                tuples[Set(bySuper.keys), default: 0] += 1
            }
            // Every combination of super-classes gets its batches (each share is filled here).
            #expect(tuples.count == combinations && tuples.values.allSatisfy { $0 == 3 })
            #expect(batches.allSatisfy { $0.count == batchSize })
        }
    }

    /// Five classes cannot fill a share of six single rows: the batch stays short, as in PML.
    @Test func aShareNoClassesFillLeavesTheBatchShort() throws {
        let sampler = try HierarchicalSampler(classLabels: Self.classes, superclassLabels: Self.supers, batchSize: 6,
                                              samplesPerClass: .count(1), superclassesPerBatch: 1)
        #expect(sampler.batches(epoch: 0).allSatisfy { $0.count == 5 })
    }

    @Test func allRowsOfEachClass() throws {
        let sampler = try HierarchicalSampler(classLabels: Self.classes, superclassLabels: Self.supers, batchSize: 20, samplesPerClass: .all, seed: 1)
        for batch in sampler.batches(epoch: 2) {
            var byClass: [Int: [Int]] = [:]
            for row in batch { byClass[Self.classes[row], default: []].append(row) }
            for (c, rows) in byClass { #expect(Set(rows).count == rows.count && rows.count == 2 + c % 4) }
            #expect(batch.count <= 20)
        }
    }

    @Test func seededAndDifferentEachEpoch() throws {
        let make = { (seed: UInt64) in
            try HierarchicalSampler(classLabels: Self.classes, superclassLabels: Self.supers, batchSize: 8, samplesPerClass: .count(2), seed: seed)
        }
        #expect(try make(1).batches(epoch: 0) == make(1).batches(epoch: 0))
        #expect(try make(1).batches(epoch: 0) != make(1).batches(epoch: 1))
        #expect(try make(1).batches(epoch: 0) != make(2).batches(epoch: 0))
    }

    @Test func badArgumentsThrow() {
        let (c, s) = (Self.classes, Self.supers)
        let bad: [() throws -> HierarchicalSampler] = [
            { try HierarchicalSampler(classLabels: [], superclassLabels: [], batchSize: 8, samplesPerClass: .count(2)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: Array(s.dropLast()), batchSize: 8, samplesPerClass: .count(2)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 9, samplesPerClass: .count(2)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 0, samplesPerClass: .count(2)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 8, samplesPerClass: .count(3)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 8, samplesPerClass: .count(0)) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 8, samplesPerClass: .count(2), batchesPerSuperTuple: 0) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 10, samplesPerClass: .count(2), superclassesPerBatch: 5) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 8, samplesPerClass: .count(2), superclassesPerBatch: 0) },
            { try HierarchicalSampler(classLabels: c, superclassLabels: s, batchSize: 8, samplesPerClass: .count(2), batchesPerSuperTuple: .max) },
        ]
        for (i, make) in bad.enumerated() { #expect(throws: MetricLearningError.self, "case \(i)") { try make() } }
    }
}
