import TensorCore

extension Variable {
    /// The mean softmax cross-entropy of `[N, C]` logits against labels:
    /// mean over i of ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ.
    @usableFromInline func crossEntropy(labels: [Int]) -> Variable {
        let n = labels.count
        let target = gatheringElements(rows: Array(0..<n), columns: labels)
        return (logSumExp(alongAxis: 1) - target).mean()
    }
}
