/// Tallies of the outcomes of calls to one object, or to one kind of object.
struct FuzzCounts {
    /// Calls made.
    var calls = 0
    /// Calls per outcome category (see `FuzzOutcome.category`).
    var byCategory: [String: Int] = [:]
    /// Calls whose outcome was a defect.
    var defects = 0

    /// The categories of outcomes that are not defects.
    static let fine = ["passed", "rejected", "overflow", "suspect overflow", "scale-variant"]

    /// Counts one call.
    mutating func add(_ outcome: FuzzOutcome) {
        calls += 1
        byCategory[outcome.category, default: 0] += 1
        if outcome.isDefect { defects += 1 }
    }

    /// The fine outcomes, then each kind of defect that occurred (or "0 defects").
    var summary: String {
        let fine = Self.fine.map { "\(byCategory[$0, default: 0]) \($0)" }
        let bad = byCategory.filter { key, _ in !Self.fine.contains(key) }
            .sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return "\(calls) calls (\(fine.joined(separator: ", "))), "
            + (bad.isEmpty ? "0 defects" : "\(defects) defects: \(bad.joined(separator: ", "))")
    }
}
