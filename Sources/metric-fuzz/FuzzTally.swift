/// The counts of a run, per kind and per object, and the first reports of each defect.
struct FuzzTally {
    /// Counts per kind of object.
    private(set) var kinds: [FuzzKind: FuzzCounts] = [:]
    /// Counts per object, keyed "kind name<Scalar>".
    private(set) var objects: [String: FuzzCounts] = [:]
    /// Reproduction reports of defects (and suspects): the first few per object and category.
    private(set) var reports: [String] = []
    private var reportsPerKey: [String: Int] = [:]

    /// Reports kept per object and defect category.
    static let reportsPerDefect = 3

    /// All calls.
    var calls: Int { kinds.values.reduce(0) { $0 + $1.calls } }
    /// All defects.
    var defects: Int { kinds.values.reduce(0) { $0 + $1.defects } }
    /// All suspect outcomes (reported, not defects).
    private(set) var suspects = 0

    /// Counts the outcome of a call of `context`, keeping a report when it is a defect.
    mutating func record(_ outcome: FuzzOutcome, _ context: FuzzContext) {
        kinds[context.kind, default: FuzzCounts()].add(outcome)
        if outcome.isSuspect { suspects += 1 }
        objects[context.object, default: FuzzCounts()].add(outcome)
        guard outcome.isDefect || outcome.isSuspect else { return }
        let key = "\(context.object) \(outcome.category)"
        reportsPerKey[key, default: 0] += 1
        guard reportsPerKey[key]! <= Self.reportsPerDefect else { return }
        reports.append("\(outcome.isDefect ? "DEFECT" : "SUSPECT") \(outcome.category): \(context.header)\n    case: \(context.description)\n    \(outcome.detail)")
    }

    /// One line per kind, in a fixed order.
    var kindLines: [String] {
        FuzzKind.allCases.map { kind in "\(kind.rawValue): \(kinds[kind, default: FuzzCounts()].summary)" }
    }

    /// One line per object (all of them, or only those with defects).
    func objectLines(onlyDefective: Bool) -> [String] {
        objects.sorted { $0.key < $1.key }.filter { !onlyDefective || $0.value.defects > 0 }.map { "  \($0.key): \($0.value.summary)" }
    }
}
