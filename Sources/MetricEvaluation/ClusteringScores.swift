import TensorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if !canImport(Glibc)
/// The platform's C library under the name used below.
private enum Glibc {
    static func lgamma(_ x: Double) -> Double {
        #if canImport(Darwin)
        return Darwin.lgamma(x)
        #else
        return Musl.lgamma(x)
        #endif
    }
}
#endif

/// Agreement of a clustering with the labels: mutual information, normalised and adjusted
/// for chance, with scikit-learn's definitions (arithmetic-mean normalisation).
public enum ClusteringScores {
    /// NMI = I(U; V) / mean(H(U), H(V)); 1 when both partitions are a single set.
    /// - Throws: `MetricLearningError.shapeMismatch` when the two lists differ in length.
    public static func normalizedMutualInformation(_ labels: [Int], _ clusters: [Int]) throws -> Double {
        let table = try Self.table(labels, clusters)
        let (hu, hv) = (table.rowEntropy, table.columnEntropy)
        if hu == 0 && hv == 0 { return 1 }
        let denominator = (hu + hv) / 2
        return denominator == 0 ? 0 : Swift.max(table.mutualInformation, 0) / denominator
    }

    /// AMI = (I − E[I]) / (mean(H(U), H(V)) − E[I]) with E[I] under the hypergeometric model
    /// (Vinh, Epps & Bailey 2010); 1 when both partitions are a single set or identical singletons.
    /// - Throws: `MetricLearningError.shapeMismatch` when the two lists differ in length.
    public static func adjustedMutualInformation(_ labels: [Int], _ clusters: [Int]) throws -> Double {
        let table = try Self.table(labels, clusters)
        let (rows, columns) = (table.rowSums.count, table.columnSums.count)
        if (rows == 1 && columns == 1) || (rows == 0 && columns == 0) || (rows == table.total && columns == table.total) { return 1 }
        let expected = table.expectedMutualInformation
        let normalizer = (table.rowEntropy + table.columnEntropy) / 2
        var denominator = normalizer - expected
        let tiny = Double.ulpOfOne
        if denominator < 0 { denominator = Swift.min(denominator, -tiny) } else { denominator = Swift.max(denominator, tiny) }
        return (table.mutualInformation - expected) / denominator
    }
}

/// Counts of (label, cluster) co-occurrences and the information measures built on them.
extension ClusteringScores {
    /// The contingency table of two partitions of the same items.
    static func table(_ labels: [Int], _ clusters: [Int]) throws -> ContingencyTable {
        guard labels.count == clusters.count else {
            throw MetricLearningError(.shapeMismatch, "\(labels.count) labels but \(clusters.count) cluster assignments; both must list the same items")
        }
        return ContingencyTable(labels, clusters)
    }
}

struct ContingencyTable {
    var cells: [[Int]]
    var rowSums: [Int]
    var columnSums: [Int]
    var total: Int

    init(_ labels: [Int], _ clusters: [Int]) {
        let rowsOf = Dictionary(uniqueKeysWithValues: Set(labels).sorted().enumerated().map { ($1, $0) })
        let columnsOf = Dictionary(uniqueKeysWithValues: Set(clusters).sorted().enumerated().map { ($1, $0) })
        var table = [[Int]](repeating: [Int](repeating: 0, count: columnsOf.count), count: rowsOf.count)
        for (l, c) in zip(labels, clusters) { table[rowsOf[l]!][columnsOf[c]!] += 1 }
        cells = table
        rowSums = table.map { $0.reduce(0, +) }
        columnSums = (0..<columnsOf.count).map { j in table.reduce(0) { $0 + $1[j] } }
        total = Swift.min(labels.count, clusters.count)
    }

    static func entropy(_ counts: [Int], _ total: Int) -> Double {
        counts.reduce(0.0) { h, c in
            c == 0 ? h : h - Double(c) / Double(total) * log(Double(c) / Double(total))
        }
    }

    var rowEntropy: Double { Self.entropy(rowSums, total) }
    var columnEntropy: Double { Self.entropy(columnSums, total) }

    var mutualInformation: Double {
        let n = Double(total)
        var mi = 0.0
        for (i, row) in cells.enumerated() {
            for (j, nij) in row.enumerated() where nij > 0 {
                let p = Double(nij) / n
                mi += p * log(n * Double(nij) / (Double(rowSums[i]) * Double(columnSums[j])))
            }
        }
        return mi
    }

    /// ln(k!) for a count k.
    static func logFactorial(_ k: Int) -> Double {
        let x: Double = Double(k) + 1
        return Glibc.lgamma(x)
    }

    /// E[I] over all tables with these marginals (hypergeometric), in log-gamma form.
    var expectedMutualInformation: Double {
        let n = total
        let logNFactorial = Self.logFactorial(n)
        var emi = 0.0
        for a in rowSums {
            for b in columnSums {
                let lo = Swift.max(1, a + b - n), hi = Swift.min(a, b)
                guard lo <= hi else { continue }
                let marginals: Double = Self.logFactorial(a) + Self.logFactorial(b)
                let complements: Double = Self.logFactorial(n - a) + Self.logFactorial(n - b)
                let fixed = marginals + complements - logNFactorial
                for nij in lo...hi {
                    let term = Double(nij) / Double(n) * log(Double(n) * Double(nij) / (Double(a) * Double(b)))
                    let cell: Double = Self.logFactorial(nij) + Self.logFactorial(a - nij)
                    let rest: Double = Self.logFactorial(b - nij) + Self.logFactorial(n - a - b + nij)
                    let logProbability = fixed - cell - rest
                    emi += term * exp(logProbability)
                }
            }
        }
        return emi
    }
}
