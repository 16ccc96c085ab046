/// The record of one differentiation: each operation's inputs and pullback, in order.
///
/// A tape lives for one call of `valueWithGradient` and is never shared between
/// calls, so independent differentiations may run on different threads at once.
///
/// Sendable by promise, not by checking: a tape is appended to by the one call that
/// records it, on one thread; its variables may be handed to other threads as values.
@usableFromInline package final class Tape<Scalar: TensorScalar>: @unchecked Sendable {
    /// Maps the gradient of an operation's output to the gradients of its inputs
    /// (`nil` where an input needs none).
    /// Takes the output's gradient, owned: the tape keeps no copy, so a pullback may
    /// rewrite it in place without a copy.
    @usableFromInline package typealias Pullback = Variable<Scalar>.Pullback

    @usableFromInline package struct Node {
        @usableFromInline package let inputs: [Int]
        @usableFromInline package let pullback: Pullback?
        @usableFromInline package init(inputs: [Int], pullback: Pullback?) {
            (self.inputs, self.pullback) = (inputs, pullback)
        }
    }

    @usableFromInline package var nodes: [Node] = []

    @usableFromInline package init() {}

    /// Adds a node and returns its index.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func append(inputs: [Int], pullback: Pullback?) -> Int {
        nodes.append(Node(inputs: inputs, pullback: pullback))
        return nodes.count - 1
    }

    /// Reverse accumulation from `output` seeded with `seed`; returns the gradient of each
    /// node (nil where none flows).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func gradients(from output: Int, seed: Tensor<Scalar>) throws -> [Tensor<Scalar>?] {
        var grads = [Tensor<Scalar>?](repeating: nil, count: nodes.count)
        grads[output] = seed
        for i in stride(from: output, through: 0, by: -1) {
            guard let pullback = nodes[i].pullback, let g = grads[i] else { continue }
            grads[i] = nil
            let inputGrads = pullback(g)
            for (slot, input) in nodes[i].inputs.enumerated() where input >= 0 {
                guard let gi = inputGrads[slot] else { continue }
                if var existing = grads[input] {
                    grads[input] = nil
                    guard existing.shape == gi.shape else {
                        grads[input] = try existing + gi
                        continue
                    }
                    // Summed in place (the same sums as `existing + gi`): no new buffer when
                    // the tape holds the only copy.
                    existing.storage.withUnsafeMutableBufferPointer { e in
                        gi.storage.withUnsafeBufferPointer { g in for k in e.indices { e[k] = e[k] + g[k] } }
                    }
                    grads[input] = existing
                } else {
                    grads[input] = gi
                }
            }
            if nodes[i].pullback != nil { grads[i] = nil }
        }
        return grads
    }
}
