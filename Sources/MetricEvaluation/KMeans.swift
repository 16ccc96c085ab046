import TensorCore

/// k-means clustering with k-means++ seeding (Arthur & Vassilvitskii 2007), reproducible for a seed.
public struct KMeans: Sendable {
    /// The number of clusters k.
    public var clusterCount: Int
    /// The seed of the k-means++ draws.
    public var seed: UInt64
    /// The most Lloyd iterations.
    public var maximumIterations: Int

    /// Creates the clustering.
    public init(clusterCount: Int, seed: UInt64 = 0, maximumIterations: Int = 100) {
        (self.clusterCount, self.seed, self.maximumIterations) = (clusterCount, seed, maximumIterations)
    }

    /// The cluster of each row and the centroids (`[k, D]`, as `Double`).
    /// - Throws: `MetricLearningError` for a non-matrix, a matrix without rows, k outside
    ///   1…rows, fewer than one iteration or a non-finite point.
    public func fit<Scalar: TensorScalar>(_ points: Tensor<Scalar>) throws -> (assignments: [Int], centroids: [[Double]]) {
        let (n, d) = try points.matrixExtents("k-means")
        guard n > 0 else {
            throw MetricLearningError(.emptyInput, "k-means: the matrix is empty (shape \(points.shape)); at least one point is needed")
        }
        guard clusterCount >= 1 && clusterCount <= n else {
            throw MetricLearningError(.invalidParameter, "clusterCount = \(clusterCount) is out of range: must lie in 1...\(n)")
        }
        try BatchValidation.require(maximumIterations >= 1, "maximumIterations", maximumIterations, "must be at least 1")
        if let bad = points.scalars.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput, "k-means: point [\(bad / d), \(bad % d)] is \(points.scalars[bad]); points must be finite")
        }
        let x = (0..<n).map { i in (0..<d).map { Double(points.scalars[i * d + $0]) } }
        func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for k in 0..<d { let t = a[k] - b[k]; s += t * t }
            return s
        }
        var generator = SeededRandomGenerator(seed: seed)
        var centroids = [x[generator.nextIndex(below: n)]]
        var nearest = x.map { squaredDistance($0, centroids[0]) }
        while centroids.count < clusterCount {
            let total = nearest.reduce(0, +)
            var chosen = generator.nextIndex(below: n)
            if total > 0 {
                var target = generator.nextUnitInterval() * total
                for (i, w) in nearest.enumerated() {
                    target -= w
                    if target < 0 { chosen = i; break }
                }
            }
            centroids.append(x[chosen])
            for i in 0..<n { nearest[i] = Swift.min(nearest[i], squaredDistance(x[i], x[chosen])) }
        }
        var assignments = [Int](repeating: -1, count: n)
        for _ in 0..<maximumIterations {
            var changed = false
            for i in 0..<n {
                var best = 0, bestDistance = Double.infinity
                for (c, centroid) in centroids.enumerated() {
                    let dist = squaredDistance(x[i], centroid)
                    if dist < bestDistance { best = c; bestDistance = dist }
                }
                if assignments[i] != best { assignments[i] = best; changed = true }
            }
            if !changed { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: clusterCount)
            var counts = [Int](repeating: 0, count: clusterCount)
            for i in 0..<n {
                counts[assignments[i]] += 1
                for k in 0..<d { sums[assignments[i]][k] += x[i][k] }
            }
            for c in 0..<clusterCount where counts[c] > 0 {
                centroids[c] = sums[c].map { $0 / Double(counts[c]) }
            }
        }
        return (assignments, centroids)
    }
}
