import TensorCore

/// The checks layers share, with messages that name the layer (not the operation inside it
/// that would fail).
enum LayerChecks {
    /// Throws unless `count` parameters were given where `layer` takes `expected` (`names`, if any).
    static func requireParameterCount(_ count: Int, _ expected: Int, layer: String, names: String = "") throws {
        guard count == expected else {
            throw MetricLearningError(.shapeMismatch, "\(layer) expects \(expected) parameters\(names.isEmpty ? "" : " (\(names))"), got \(count)")
        }
    }

    /// Throws unless `shape` is a batch of rows of `width`: `[N, width]`.
    static func requireInput(_ shape: [Int], width: Int, layer: String) throws {
        guard shape.count == 2 else {
            throw MetricLearningError(.shapeMismatch, "\(layer) expects a matrix [batch, \(width)], got shape \(shape)")
        }
        guard shape[1] == width else {
            throw MetricLearningError(.shapeMismatch, "\(layer) expects inputs of width \(width), got \(shape[1])")
        }
    }
}
