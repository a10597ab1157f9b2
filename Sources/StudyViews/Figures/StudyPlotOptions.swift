import Foundation

/// What a study figure shows beyond its kind: which parameters, which trials, and how big.
///
/// The defaults draw every parameter of every trial at 1200 x 800 pixels, 100 dpi (matplotlib's
/// default text size).
public struct StudyPlotOptions: Sendable {
    /// Parameters to draw, in this order; nil draws every parameter of the study (sorted by name).
    public var parameters: [String]?
    /// The contour's x and y parameters; nil takes the first two of `parameters` (or of the study).
    public var contourParameters: (x: String, y: String)?
    /// Keeps completed trials whose value is at least this (seed 002's "trials above 0.985"):
    /// parallel coordinates draw the others in grey behind; slice, contour, importance, correlation
    /// and duration leave them out. History, intermediate values and states always show every trial.
    public var minimumValue: Double?
    /// Keeps completed trials whose value is at most this (as `minimumValue`).
    public var maximumValue: Double?
    public var width: Int
    public var height: Int
    public var dpi: Double
    /// Seed of the importance evaluator's random forest (bootstrap samples, subsampling).
    public var seed: UInt64

    public init(parameters: [String]? = nil, contourParameters: (x: String, y: String)? = nil,
                minimumValue: Double? = nil, maximumValue: Double? = nil,
                width: Int = 1200, height: Int = 800, dpi: Double = 100, seed: UInt64 = 0) {
        self.parameters = parameters
        self.contourParameters = contourParameters
        self.minimumValue = minimumValue
        self.maximumValue = maximumValue
        self.width = width
        self.height = height
        self.dpi = dpi
        self.seed = seed
    }

    /// True when `value` passes the value filter.
    func keeps(_ value: Double) -> Bool {
        if let minimumValue, value < minimumValue { return false }
        if let maximumValue, value > maximumValue { return false }
        return true
    }

    var hasValueFilter: Bool { minimumValue != nil || maximumValue != nil }

    /// "value ≥ 0.985", "0.9 ≤ value ≤ 0.99": the filter as a figure says it.
    var filterDescription: String? {
        switch (minimumValue, maximumValue) {
        case let (low?, high?): return "\(Format.number(low)) ≤ value ≤ \(Format.number(high))"
        case let (low?, nil): return "value ≥ \(Format.number(low))"
        case let (nil, high?): return "value ≤ \(Format.number(high))"
        case (nil, nil): return nil
        }
    }
}
