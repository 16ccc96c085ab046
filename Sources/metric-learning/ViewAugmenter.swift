import MetricLearning

/// Two augmented views of each input, for the self-supervised losses: each row shifted by a
/// random offset in {−1, 0, 1} pixels along each axis (zeros fill in; only when the rows are
/// square images, as the 8×8 digits), plus Gaussian noise; drawn from a seeded generator.
struct ViewAugmenter {
    var generator: SeededRandomGenerator
    /// The side of the square images the rows hold, or nil for rows that are not images.
    let side: Int?
    /// The standard deviation of the noise, in input units (the digits lie in [0, 1]).
    let noise: Double

    /// An augmenter for rows of `width` features: images when `images` and the width is a
    /// square (64 = 8×8 for the digits).
    init(width: Int, images: Bool, noise: Double, seed: UInt64) {
        let root = Int(Double(width).squareRoot().rounded())
        (generator, side, self.noise) = (SeededRandomGenerator(seed: seed), images && root * root == width ? root : nil, noise)
    }

    /// Two independent views of `features` (`[N, width]`).
    mutating func views(of features: Tensor<Float>) throws -> (Tensor<Float>, Tensor<Float>) {
        (try view(of: features), try view(of: features))
    }

    /// One view: every row shifted (images only), plus noise.
    mutating func view(of features: Tensor<Float>) throws -> Tensor<Float> {
        let (n, width) = (features.shape[0], features.shape[1])
        let source = features.scalars
        var scalars = source
        if let side {
            for row in 0..<n {
                let (dx, dy) = (generator.nextIndex(below: 3) - 1, generator.nextIndex(below: 3) - 1)
                for y in 0..<side {
                    for x in 0..<side {
                        let (sx, sy) = (x - dx, y - dy)
                        let inside = (0..<side).contains(sx) && (0..<side).contains(sy)
                        scalars[row * width + y * side + x] = inside ? source[row * width + sy * side + sx] : 0
                    }
                }
            }
        }
        for i in scalars.indices { scalars[i] += Float(noise * generator.nextNormal()) }
        return try Tensor(shape: [n, width], scalars: scalars)
    }
}
