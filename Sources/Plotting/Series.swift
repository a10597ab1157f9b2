/// Marker shapes for lines and scatter plots.
public enum Marker: String, Sendable, Equatable, CaseIterable {
    case none, circle, square, triangle, diamond, cross
}

/// How histogram bins are chosen.
public enum Bins: Sendable, Equatable {
    /// `count` equal-width bins over the data's range (or the `range` given to `histogram`).
    case count(Int)
    /// Explicit ascending edges: n + 1 edges make n bins; the last bin includes its right edge (as NumPy).
    case edges([Double])
}

/// Where the legend goes.
public enum LegendPlacement: String, Sendable, Equatable, CaseIterable {
    /// Inside the plot, in the corner or side that hides the fewest data points (matplotlib's "best").
    case best
    case upperRight, upperLeft, lowerLeft, lowerRight, upperCenter, lowerCenter, centerLeft, centerRight
    /// To the right of the plot area, outside the data.
    case outsideRight
    /// No legend even when series have labels.
    case hidden
}

/// A connected line through (x, y) points. NaN or infinite points break the line and are counted in `skipped`.
struct LineSeries: Sendable {
    var x: [Double]
    var y: [Double]
    var label: String?
    var color: Color
    var width: Double
    var dash: Dash
    var marker: Marker
    var markerSize: Double
}

/// How scatter points are coloured.
enum ScatterColoring: Sendable {
    case single(Color)
    /// Per point category index into `colormap`, with display names for the legend.
    case categories([Int], names: [String], colormap: Colormap)
    /// Per point value mapped through `colormap` over `range`, explained by a colorbar.
    case values([Double], colormap: Colormap, range: ClosedRange<Double>)
}

struct ScatterSeries: Sendable {
    var x: [Double]
    var y: [Double]
    var coloring: ScatterColoring
    var label: String?
    /// Marker diameter in points.
    var size: Double
    var alpha: Double
    var marker: Marker
}

/// Rectangles from a baseline: bar charts (categorical positions) and histograms (bin edges).
struct BarSeries: Sendable {
    /// Left and right edges of each bar along the category (or bin) axis.
    var starts: [Double]
    var ends: [Double]
    var values: [Double]
    var label: String?
    var color: Color
    /// nil: automatic (opaque, or translucent when several histograms overlap).
    var alpha: Double?
    var horizontal: Bool
    var isHistogram: Bool
    /// Bar charts: the category names, to label the category axis.
    var categories: [String]
}

/// A matrix of values drawn as coloured cells: heatmaps, images, confusion matrices.
struct HeatmapSeries: Sendable {
    var rows: Int
    var columns: Int
    /// Row-major values, NaN drawn as the background.
    var values: [Double]
    var colormap: Colormap
    var range: ClosedRange<Double>
    var rowLabels: [String]
    var columnLabels: [String]
    /// Cell texts (empty: none), drawn in black or white for contrast.
    var annotations: [String]
    var showsColorbar: Bool
    var colorbarLabel: String?
    /// Keep cells square (matplotlib `imshow`'s default aspect).
    var squareCells: Bool
    /// Hide ticks and frame (pictures rather than matrices).
    var isPicture: Bool
}

/// A horizontal or vertical line across the whole plot (e.g. the early-stopping epoch).
struct ReferenceLine: Sendable {
    var value: Double
    var vertical: Bool
    var label: String?
    var color: Color
    var width: Double
    var dash: Dash
}

/// A text placed at data coordinates.
struct Annotation: Sendable {
    var text: String
    var x: Double
    var y: Double
    var color: Color
    var size: Double
    var alignment: TextAlignment = .center
    var background: Color? = nil
}

/// Which end of a text sits at its position.
public enum TextAlignment: String, Sendable, Equatable, CaseIterable {
    case left, center, right
}

/// A tick placed by the caller: a position in data units and its label.
public struct AxisTick: Sendable, Equatable {
    public var position: Double
    public var label: String

    public init(_ position: Double, _ label: String) {
        self.position = position
        self.label = label
    }
}

/// A picture laid over a rectangle of data coordinates (a decision function, a density), drawn
/// under the other series with the axes' ticks, unlike `image`'s stand-alone picture.
struct FieldSeries: Sendable {
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var columns: Int
    var rows: Int
    /// Opaque 0x00RRGGBB pixels, row 0 at the top (largest y).
    var pixels: [UInt32]
    /// The values behind the colours, when a colorbar explains them.
    var colorbar: (range: ClosedRange<Double>, colormap: Colormap, label: String?)?
}

enum Series: Sendable {
    case field(FieldSeries)
    case line(LineSeries)
    case scatter(ScatterSeries)
    case bars(BarSeries)
    case heatmap(HeatmapSeries)
    case reference(ReferenceLine)
    case annotation(Annotation)
}
