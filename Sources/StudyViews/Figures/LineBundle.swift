import Foundation
import Plotting

/// Many polylines of one colour drawn as a single series, NaN between them (a NaN breaks a line).
///
/// Why: Cairo composites every stroke over its whole bounding box, so 10,000 translucent lines
/// across a plot cost seconds as 10,000 series and tens of milliseconds as a few dozen bundles.
/// Within one bundle overlapping lines do not darken each other; figures therefore spread a large
/// set over several bundles (colour bins, chunks) so that density still shows.
struct LineBundle {
    var x: [Double] = []
    var y: [Double] = []

    var isEmpty: Bool { x.isEmpty }

    mutating func append(x newX: [Double], y newY: [Double]) {
        if !x.isEmpty { x.append(.nan); y.append(.nan) }
        x += newX
        y += newY
    }

    func draw(on axes: inout Axes, label: String? = nil, color: Color, width: Double) throws {
        guard !isEmpty else { return }
        try axes.line(x: x, y: y, label: label, color: color, width: width)
    }
}
