import TensorCore

/// Scales every feature (column) linearly to a range, by default [0, 1], as scikit-learn's
/// `MinMaxScaler` does.
///
/// Fit on the training split only, then transform every split with the fitted value, so that no
/// information from validation or test data leaks into training:
/// ```swift
/// let scaler = try MinMaxScaler().fit(trainFeatures)
/// let train = try scaler.transform(trainFeatures)
/// let test = try scaler.transform(testFeatures)      // may fall outside [0, 1]
/// ```
/// Contract (scikit-learn's): `scale = (high - low) / (max - min)` per column and
/// `y = (x - min) * scale + low`. A constant column (max == min) gets a range of 1, so it maps to
/// `low` rather than dividing by zero. NaN or infinite input is an error naming row and column.
public struct MinMaxScaler: Sendable {
    /// Lower end of the output range.
    public var low: Float
    /// Upper end of the output range.
    public var high: Float

    /// - Parameters:
    ///   - low: value the column minimum maps to (default 0).
    ///   - high: value the column maximum maps to (default 1); must exceed `low`.
    public init(low: Float = 0, high: Float = 1) {
        self.low = low
        self.high = high
    }

    /// Learns each column's minimum and maximum from `x` (`[rows, features]`, or any rank viewed
    /// as `[rowCount, rowLength]`).
    public func fit(_ x: Tensor) throws -> FittedMinMaxScaler {
        guard low < high, low.isFinite, high.isFinite else {
            throw PreprocessingError.invalidArgument("MinMaxScaler needs low < high, got \(low) and \(high)")
        }
        let statistics = try ColumnStatistics.compute(x, moments: false)
        let range = Double(high) - Double(low)
        let scales: [Double] = zip(statistics.minimum, statistics.maximum).map { minimum, maximum in
            let dataRange = Double(maximum) - Double(minimum)
            return range / (dataRange == 0 ? 1 : dataRange)
        }
        return FittedMinMaxScaler(
            low: low, high: high,
            dataMinimum: statistics.minimum,
            dataMaximum: statistics.maximum,
            scale: scales.map { Float($0) })
    }
}

/// A `MinMaxScaler` fitted on training data: the per-column minima, maxima and scale factors.
public struct FittedMinMaxScaler: Sendable, Equatable {
    public let low: Float
    public let high: Float
    /// Minimum of each column in the fitting data (scikit-learn's `data_min_`).
    public let dataMinimum: [Float]
    /// Maximum of each column in the fitting data (`data_max_`).
    public let dataMaximum: [Float]
    /// Multiplier of each column (`scale_`); `(high - low)` for constant columns.
    public let scale: [Float]

    /// Number of features the scaler was fitted on.
    public var featureCount: Int { dataMinimum.count }

    private var affine: ColumnAffine {
        ColumnAffine(center: dataMinimum, factor: scale, offset: [Float](repeating: low, count: featureCount))
    }

    /// `(x - dataMinimum) * scale + low`, column by column. Values outside the fitted range map
    /// outside `[low, high]` (no clipping, as scikit-learn's default).
    public func transform(_ x: Tensor) throws -> Tensor { try affine.apply(x) }

    /// Undoes `transform`.
    public func inverseTransform(_ y: Tensor) throws -> Tensor { try affine.invert(y) }
}
