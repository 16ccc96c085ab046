import TensorCore

/// Readers for a user's own data: CSV text and MNIST-format IDX bytes.
public enum DatasetLoader {
    /// Parses CSV text: one row per line, numbers separated by commas, the label in
    /// `labelColumn` (default: the last) and features in the others; blank lines and a
    /// first line that is not numeric (a header) are skipped. Features are multiplied by `scale`.
    /// - Throws: `MetricLearningError` naming the line of a malformed row or of a feature that
    ///   is not finite once scaled, or a negative `labelColumn` or non-finite `scale`.
    public static func csv<Scalar: TensorScalar>(
        _ text: String, labelColumn: Int? = nil, scale: Scalar = 1
    ) throws -> LabeledDataset<Scalar> {
        try BatchValidation.requireFinite(["scale": scale])
        if let labelColumn { try BatchValidation.require(labelColumn >= 0, "labelColumn", labelColumn, "must not be negative") }
        var features: [Scalar] = []
        var labels: [Int] = []
        var width: Int?
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            let values = fields.map { Double($0) }
            if values.contains(where: { $0 == nil }) {
                if number == 0 && labels.isEmpty { continue }
                throw MetricLearningError(.shapeMismatch, "CSV line \(number + 1): '\(trimmed.prefix(60))' has a field that is not a number")
            }
            let numbers = values.map { $0! }
            let labelAt = labelColumn ?? numbers.count - 1
            guard numbers.count >= 2 else {
                throw MetricLearningError(.shapeMismatch, "CSV line \(number + 1) has \(numbers.count) fields; a label and at least one feature are needed")
            }
            guard labelAt < numbers.count else {
                throw MetricLearningError(.shapeMismatch, "CSV line \(number + 1) has \(numbers.count) fields; label column \(labelAt) is not among them")
            }
            if let width, width != numbers.count - 1 {
                throw MetricLearningError(.shapeMismatch, "CSV line \(number + 1) has \(numbers.count - 1) features, earlier lines \(width)")
            }
            width = numbers.count - 1
            guard let label = Int(exactly: numbers[labelAt]) else {
                throw MetricLearningError(.invalidLabels, "CSV line \(number + 1): label \(numbers[labelAt]) is not an integer")
            }
            labels.append(label)
            for (i, value) in numbers.enumerated() where i != labelAt {
                let feature = Scalar(value) * scale
                guard feature.isFinite else {
                    throw MetricLearningError(.nonFiniteInput, "CSV line \(number + 1): field \(i + 1) ('\(fields[i])') is \(feature) as \(Scalar.self); features must be finite")
                }
                features.append(feature)
            }
        }
        guard let width, !labels.isEmpty else { throw MetricLearningError(.emptyInput, "the CSV text holds no data rows") }
        return try LabeledDataset(features: Tensor(shape: [labels.count, width], scalars: features), labels: labels)
    }

    /// Parses MNIST-format IDX files: unsigned-byte images (magic 0x00000803, any rank ≥ 2,
    /// flattened per item) and labels (0x00000801). Pixels are multiplied by `scale`.
    /// - Throws: `MetricLearningError` for a wrong magic number (the message shows the one
    ///   found), truncated data or counts that differ.
    public static func idx<Scalar: TensorScalar>(images: [UInt8], labels: [UInt8], scale: Scalar = 1) throws -> LabeledDataset<Scalar> {
        try BatchValidation.requireFinite(["scale": scale])
        /// The dimensions and data offset of an unsigned-byte IDX file of `rank` (any when nil).
        func header(_ bytes: [UInt8], rank: Int?, what: String) throws -> (dimensions: [Int], offset: Int) {
            func word(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
            }
            let found = word(0)
            let expected = rank.map { "0x000008" + hex($0, digits: 2) } ?? "0x000008NN (NN the rank)"
            guard found >> 8 == 0x08, rank.map({ found & 0xFF == UInt32($0) }) ?? true else {
                throw MetricLearningError(.shapeMismatch,
                    "\(what): magic number 0x\(hex(Int(found), digits: 8)) found; an unsigned-byte IDX file of \(what) starts with \(expected)")
            }
            let fileRank = Int(found & 0xFF)
            let offset = 4 + 4 * fileRank
            guard bytes.count >= offset else {
                throw MetricLearningError(.shapeMismatch, "\(what): truncated header (\(bytes.count) bytes for rank \(fileRank))")
            }
            let dimensions = (0..<fileRank).map { Int(word(4 + 4 * $0)) }
            guard let size = checkedProduct(dimensions), bytes.count - offset >= size else {
                throw MetricLearningError(.shapeMismatch, "\(what): \(bytes.count - offset) data bytes for dimensions \(dimensions)")
            }
            return (dimensions, offset)
        }
        guard images.count >= 4, labels.count >= 4 else { throw MetricLearningError(.shapeMismatch, "IDX files are too short") }
        let (imageDimensions, imageOffset) = try header(images, rank: nil, what: "images")
        guard imageDimensions.count >= 2 else { throw MetricLearningError(.shapeMismatch, "images: IDX rank \(imageDimensions.count) < 2") }
        let (labelDimensions, labelOffset) = try header(labels, rank: 1, what: "labels")
        let count = imageDimensions[0]
        guard let width = checkedProduct(Array(imageDimensions.dropFirst())) else {
            throw MetricLearningError(.shapeMismatch, "images: dimensions \(imageDimensions) overflow")
        }
        guard labelDimensions[0] == count else {
            throw MetricLearningError(.invalidLabels, "\(labelDimensions[0]) labels for \(count) images")
        }
        let pixels = images[imageOffset..<(imageOffset + count * width)].map { Scalar($0) * scale }
        return try LabeledDataset(features: Tensor(shape: [count, width], scalars: pixels),
                                  labels: labels[labelOffset..<(labelOffset + count)].map { Int($0) })
    }
}

extension DatasetLoader {
    /// Reads a CSV file (see `csv(_:labelColumn:scale:)`).
    /// - Throws: `MetricLearningError` naming the path when it cannot be read, or the line of a malformed row.
    public static func csv<Scalar: TensorScalar>(path: String, labelColumn: Int? = nil, scale: Scalar = 1) throws -> LabeledDataset<Scalar> {
        try csv(String(decoding: FileReader.bytes(atPath: path), as: UTF8.self), labelColumn: labelColumn, scale: scale)
    }

    /// Reads MNIST-format IDX files, for example `train-images-idx3-ubyte` and `train-labels-idx1-ubyte`.
    public static func idx<Scalar: TensorScalar>(imagesPath: String, labelsPath: String, scale: Scalar = 1) throws -> LabeledDataset<Scalar> {
        try idx(images: FileReader.bytes(atPath: imagesPath), labels: FileReader.bytes(atPath: labelsPath), scale: scale)
    }
}

/// `value` in upper-case hexadecimal, zero-padded to `digits`.
private func hex(_ value: Int, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: Swift.max(0, digits - text.count)) + text
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
