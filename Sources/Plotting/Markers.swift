import CCairo
import Foundation
import TensorCore

/// Draws individual markers as Cairo paths (lines' markers, legends, vector output).
enum MarkerPainter {
    static func path(_ marker: Marker, x: Double, y: Double, diameter: Double, canvas: Canvas) {
        let r = diameter / 2
        let context = canvas.context
        switch marker {
        case .none:
            return
        case .circle:
            cairo_new_sub_path(context)
            cairo_arc(context, x, y, r, 0, 2 * .pi)
        case .square:
            cairo_rectangle(context, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8)
        case .triangle:
            cairo_move_to(context, x, y - r * 1.1)
            cairo_line_to(context, x + r, y + r * 0.75)
            cairo_line_to(context, x - r, y + r * 0.75)
            cairo_close_path(context)
        case .diamond:
            cairo_move_to(context, x, y - r * 1.1)
            cairo_line_to(context, x + r * 0.8, y)
            cairo_line_to(context, x, y + r * 1.1)
            cairo_line_to(context, x - r * 0.8, y)
            cairo_close_path(context)
        case .cross:
            cairo_move_to(context, x - r, y - r)
            cairo_line_to(context, x + r, y + r)
            cairo_move_to(context, x + r, y - r)
            cairo_line_to(context, x - r, y + r)
        }
    }

    static func draw(_ marker: Marker, x: Double, y: Double, diameter: Double, color: Color, canvas: Canvas) {
        guard marker != .none else { return }
        path(marker, x: x, y: y, diameter: diameter, canvas: canvas)
        canvas.setColor(color)
        if marker == .cross {
            cairo_set_dash(canvas.context, nil, 0, 0)
            cairo_set_line_width(canvas.context, max(1, diameter / 5))
            cairo_stroke(canvas.context)
        } else {
            cairo_fill(canvas.context)
        }
    }
}

/// Stamps many antialiased round markers straight into a raster canvas's pixels.
///
/// Cairo's antialiased `cairo_arc` costs ~15 us per marker (about 1 s for 70,000). Here each marker is a
/// precomputed coverage mask (4x4 supersampled disc) chosen among 4x4 sub-pixel offsets, blended with
/// the point's colour: the result looks like Cairo's discs at a few percent of the cost. The canvas is
/// split into horizontal bands, one per core; every band walks all points in order, so overlapping points
/// stack exactly as in a sequential pass and the image is the same whatever the core count.
enum MarkerStamper {
    /// Coverage masks for a disc of `diameter` pixels at each of 4x4 sub-pixel offsets.
    struct Masks {
        let side: Int
        /// `side * side` coverages in 0...256 per sub-pixel offset (index = subY * 4 + subX).
        let coverage: [[Int32]]

        init(diameter: Double) {
            let radius = max(0.5, diameter / 2)
            side = Int((radius * 2).rounded(.up)) + 2
            var masks: [[Int32]] = []
            for subY in 0..<4 {
                for subX in 0..<4 {
                    // The disc centre inside the mask, for a point whose fractional position is (subX/4, subY/4).
                    let centerX = Double(side) / 2 + Double(subX) / 4 + 0.125
                    let centerY = Double(side) / 2 + Double(subY) / 4 + 0.125
                    var mask = [Int32](repeating: 0, count: side * side)
                    for row in 0..<side {
                        for column in 0..<side {
                            var inside = 0
                            for sy in 0..<4 {
                                for sx in 0..<4 {
                                    let px = Double(column) + (Double(sx) + 0.5) / 4 - centerX
                                    let py = Double(row) + (Double(sy) + 0.5) / 4 - centerY
                                    if px * px + py * py <= radius * radius { inside += 1 }
                                }
                            }
                            mask[row * side + column] = Int32(inside * 16)
                        }
                    }
                    masks.append(mask)
                }
            }
            coverage = masks
        }
    }

    /// Blends the points (pixel coordinates) in `colors` (0xRRGGBB per point, via `colorIndex` into
    /// `palette`) with opacity `alpha`, clipped to `clip`.
    static func stamp(x: [Float], y: [Float], colorIndex: [UInt16], palette: [UInt32], diameter: Double, alpha: Double,
                      clip: Rect, canvas: Canvas) {
        let masks = Masks(diameter: diameter)
        let side = masks.side
        let half = Float(side) / 2
        let opacity = Int32((min(max(alpha, 0), 1) * 256).rounded())
        let clipMinX = max(0, Int(clip.minX.rounded(.down))), clipMaxX = min(canvas.width, Int(clip.maxX.rounded(.up)))
        let clipMinY = max(0, Int(clip.minY.rounded(.down))), clipMaxY = min(canvas.height, Int(clip.maxY.rounded(.up)))
        guard clipMaxX > clipMinX, clipMaxY > clipMinY else { return }
        canvas.withPixels { pixels, stride in
            let target = SendablePointer(pixels)
            let bandCount = min(Parallel.workerCount, max(1, (clipMaxY - clipMinY) / 64))
            let bandHeight = (clipMaxY - clipMinY + bandCount - 1) / bandCount
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    colorIndex.withUnsafeBufferPointer { indices in
                        palette.withUnsafeBufferPointer { colors in
                            masks.coverage.withUnsafeBufferPointer { coverage in
                                let xs = UnsafeBufferPointerBox(xs), ys = UnsafeBufferPointerBox(ys)
                                let indices = UnsafeBufferPointerBox(indices), colors = UnsafeBufferPointerBox(colors)
                                let coverage = UnsafeBufferPointerBox(coverage)
                                Parallel.forEachChunk(bandCount) { bands in
                                    for band in bands {
                                        let bandTop = clipMinY + band * bandHeight
                                        let bandBottom = min(clipMaxY, bandTop + bandHeight)
                                        for point in 0..<xs.buffer.count {
                                            let left = xs.buffer[point] - half, top = ys.buffer[point] - half
                                            // Far-off points (narrow user limits) are skipped before any Int conversion.
                                            guard left > -65536, left < 65536, top > -65536, top < 65536 else { continue }
                                            let originX = Int(left.rounded(.down)), originY = Int(top.rounded(.down))
                                            if originY + side <= bandTop || originY >= bandBottom { continue }
                                            if originX + side <= clipMinX || originX >= clipMaxX { continue }
                                            let subX = min(3, Int((left - Float(originX)) * 4)), subY = min(3, Int((top - Float(originY)) * 4))
                                            let mask = coverage.buffer[subY * 4 + subX]
                                            let color = colors.buffer[Int(indices.buffer[point])]
                                            let red = Int32((color >> 16) & 0xff), green = Int32((color >> 8) & 0xff), blue = Int32(color & 0xff)
                                            let rowStart = max(originY, bandTop), rowEnd = min(originY + side, bandBottom)
                                            let columnStart = max(originX, clipMinX), columnEnd = min(originX + side, clipMaxX)
                                            guard rowStart < rowEnd, columnStart < columnEnd else { continue }
                                            for row in rowStart..<rowEnd {
                                                let maskRow = (row - originY) * side - originX
                                                let pixelRow = row * stride
                                                for column in columnStart..<columnEnd {
                                                    let weight = (mask[maskRow + column] * opacity) >> 8
                                                    if weight == 0 { continue }
                                                    let destination = target[pixelRow + column]
                                                    let dr = Int32((destination >> 16) & 0xff), dg = Int32((destination >> 8) & 0xff), db = Int32(destination & 0xff)
                                                    let r = dr + (((red - dr) * weight) >> 8)
                                                    let g = dg + (((green - dg) * weight) >> 8)
                                                    let b = db + (((blue - db) * weight) >> 8)
                                                    target[pixelRow + column] = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Lets a read-only buffer pointer cross into the `@Sendable` closure of `Parallel.forEachChunk`
/// (the buffer outlives the call, which is synchronous).
struct UnsafeBufferPointerBox<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
    init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
}
