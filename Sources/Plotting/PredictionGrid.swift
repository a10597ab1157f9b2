import TensorCore

/// A grid of images with "pred P / true T" under each, right ones in green and wrong ones in red,
/// titled with how many are wrong: the quick look at a classifier's test predictions.
public enum PredictionGrid {
    /// - Parameters:
    ///   - images: `[n, 784]`, `[n, 28, 28]` or `[n, 1, 28, 28]` in [0, 1].
    ///   - predicted, truth: class per image.
    ///   - classNames: caption text per class (nil: the numbers).
    public static func gallery(images: Tensor, predicted: [Int], truth: [Int], classNames: [String]? = nil, columns: Int = 10,
                               title: String, cellWidth: Int = 120, cellHeight: Int = 160) throws -> ImageGallery {
        guard predicted.count == images.rowCount, truth.count == images.rowCount else {
            throw PlotError.lengthMismatch("prediction grid: predictions and labels", expected: images.rowCount, found: min(predicted.count, truth.count))
        }
        guard columns >= 1 else { throw PlotError.invalidArgument("prediction grid: columns must be at least 1") }
        let (captions, colors) = try ImageGallery.predictionCaptions(predicted: predicted, truth: truth, classNames: classNames)
        let shownColumns = min(columns, max(1, images.rowCount))
        let rows = (images.rowCount + shownColumns - 1) / shownColumns
        var gallery = try ImageGallery(images: images, columns: shownColumns, width: shownColumns * cellWidth, height: rows * cellHeight + 60,
                                       captions: captions, captionColors: colors)
        let wrong = zip(predicted, truth).filter { $0 != $1 }.count
        gallery.title = "\(title): \(wrong) of \(predicted.count) wrong (red)"
        gallery.colormap = .grayReversed
        return gallery
    }
}
