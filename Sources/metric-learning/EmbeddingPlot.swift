import Foundation
import MetricLearning

/// A two-panel SVG: 2-D PCA projections of embeddings before and after training, by class.
enum EmbeddingPlot {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The first two principal components of the rows (power iteration with deflation).
    static func principalComponents(_ x: Tensor<Float>) -> [(Double, Double)] {
        let (n, d) = (x.shape[0], x.shape[1])
        var rows = (0..<n).map { i in (0..<d).map { Double(x.scalars[i * d + $0]) } }
        let mean = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / Double(max(n, 1)) }
        rows = rows.map { zip($0, mean).map { $0 - $1 } }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in rows { for i in 0..<d { for j in 0..<d { covariance[i][j] += r[i] * r[j] } } }
        var components: [[Double]] = []
        for c in 0..<2 {
            var v = (0..<d).map { Double(($0 * 7 + c * 3) % 5) + 1 }
            for _ in 0..<200 {
                var w = (0..<d).map { i in (0..<d).reduce(0) { $0 + covariance[i][$1] * v[$1] } }
                for u in components { let dot = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 }; w = zip(w, u).map { $0 - dot * $1 } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm == 0 { break }
                v = w.map { $0 / norm }
            }
            components.append(v)
        }
        return rows.map { r in (zip(r, components[0]).reduce(0) { $0 + $1.0 * $1.1 }, zip(r, components[1]).reduce(0) { $0 + $1.0 * $1.1 }) }
    }

    static func svg(before: Tensor<Float>, after: Tensor<Float>, labels: [Int], title: String) -> String {
        let (panel, margin) = (420.0, 30.0)
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(2 * panel + 3 * margin))" height="\(Int(panel + 2 * margin + 40))" font-family="sans-serif" font-size="13">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(margin)" y="20" font-size="15">\(title)</text>

        """
        for (p, (name, x)) in [("before training", before), ("after training", after)].enumerated() {
            let points = principalComponents(x)
            let xs = points.map(\.0), ys = points.map(\.1)
            let (minX, maxX, minY, maxY) = (xs.min() ?? 0, xs.max() ?? 1, ys.min() ?? 0, ys.max() ?? 1)
            let left = margin + Double(p) * (panel + margin), top = margin + 10
            out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(panel)\" height=\"\(panel)\" fill=\"none\" stroke=\"#999\"/>\n"
            out += "<text x=\"\(left + 6)\" y=\"\(top + 18)\">\(name) (PCA)</text>\n"
            for (i, (px, py)) in points.enumerated() {
                let cx = left + 10 + (px - minX) / max(maxX - minX, 1e-12) * (panel - 20)
                let cy = top + 10 + (1 - (py - minY) / max(maxY - minY, 1e-12)) * (panel - 20)
                let color = colors[((labels[i] % 10) + 10) % 10]
                out += "<circle cx=\"" + String(format: "%.1f", cx) + "\" cy=\"" + String(format: "%.1f", cy)
                    + "\" r=\"2.6\" fill=\"\(color)\" fill-opacity=\"0.8\"/>\n"
            }
        }
        for (i, label) in Set(labels).sorted().prefix(10).enumerated() {
            let x = margin + Double(i) * 60, y = panel + 2 * margin + 25
            out += "<circle cx=\"\(x + 5)\" cy=\"\(y - 4)\" r=\"5\" fill=\"\(colors[((label % 10) + 10) % 10])\"/><text x=\"\(x + 14)\" y=\"\(y)\">\(label)</text>\n"
        }
        return out + "</svg>\n"
    }
}
