import TensorCore

/// Turning image batches into feature rows and back, as the seeds do with
/// `x.reshape(n, 784)` before a dense network and `x.reshape(n, 28, 28)` to plot.
///
/// Both are reshapes: the elements are shared (copy-on-write), never copied.
public enum ImageFlattening {
    /// `[n, height, width]` or `[n, channels, height, width]` to `[n, channels * height * width]`.
    public static func flatten(_ images: Tensor) throws -> Tensor {
        guard images.rank == 3 || images.rank == 4 else {
            throw PreprocessingError.badShape(expected: "[n, height, width] or [n, channels, height, width]", found: images.shape)
        }
        return images.reshaped([images.shape[0], images.rowLength])
    }

    /// `[n, channels * height * width]` to `[n, height, width]` (when `channels` is nil) or
    /// `[n, channels, height, width]`. The default restores 28x28 MNIST digits.
    public static func unflatten(_ rows: Tensor, height: Int = 28, width: Int = 28, channels: Int? = nil) throws -> Tensor {
        let perImage = height * width * (channels ?? 1)
        guard rows.rank == 2, height > 0, width > 0, (channels ?? 1) > 0, rows.shape[1] == perImage else {
            let expected = channels.map { "[n, \($0 * height * width)] (\($0) x \(height) x \(width))" } ?? "[n, \(perImage)] (\(height) x \(width))"
            throw PreprocessingError.badShape(expected: expected, found: rows.shape)
        }
        if let channels { return rows.reshaped([rows.shape[0], channels, height, width]) }
        return rows.reshaped([rows.shape[0], height, width])
    }
}
