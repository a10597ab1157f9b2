import CCairo
import Foundation

/// Horizontal anchor of a text: where the given x falls on the text.
enum HorizontalAnchor: Double { case left = 0, center = 0.5, right = 1 }
/// Vertical anchor of a text: where the given y falls on the text box (ascent + descent of the font).
enum VerticalAnchor { case top, center, baseline, bottom }

/// A line dash pattern.
public enum Dash: String, Sendable, Equatable, CaseIterable {
    case solid, dashed, dotted, dashDot

    /// Dash lengths in multiples of the line width (matplotlib's patterns).
    var pattern: [Double] {
        switch self {
        case .solid: return []
        case .dashed: return [3.7, 1.6]
        case .dotted: return [1, 1.65]
        case .dashDot: return [6.4, 1.6, 1, 1.6]
        }
    }
}

/// An opaque drawing surface (users never create one; `Renderable.save` does). In pixel coordinates (origin top left), wrapping a Cairo context. Raster canvases
/// (PNG) also expose their pixel buffer, so that tens of thousands of markers can be stamped directly;
/// vector canvases (SVG, PDF) draw everything as Cairo paths. Not thread-safe: one canvas per render.
public final class Canvas {
    let width: Int
    let height: Int
    /// Pixels per point: text sizes are given in points (1/72 inch) as in matplotlib, so `dpi / 72`.
    let pixelsPerPoint: Double
    let isRaster: Bool
    let surface: OpaquePointer
    let context: OpaquePointer
    private let sink: ByteSink?

    /// A white raster canvas of `width` x `height` pixels.
    init(rasterWidth width: Int, height: Int, dpi: Double) throws {
        guard width > 0, height > 0, width <= 32767, height <= 32767 else {
            throw PlotError.invalidArgument("figure size \(width)x\(height) pixels: expected 1...32767 on each side")
        }
        self.width = width
        self.height = height
        self.pixelsPerPoint = dpi / 72
        self.isRaster = true
        self.sink = nil
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PlotError.renderingFailed(path: "", reason: "cannot allocate a \(width)x\(height) image")
        }
        self.surface = surface
        self.context = cairo_create(surface)
        configure()
    }

    /// A vector canvas (SVG or PDF) whose user units are pixels of a `width` x `height` figure at `dpi`.
    init(vectorFormat format: OutputFormat, width: Int, height: Int, dpi: Double) throws {
        guard width > 0, height > 0 else {
            throw PlotError.invalidArgument("figure size \(width)x\(height) pixels: expected positive sides")
        }
        self.width = width
        self.height = height
        self.pixelsPerPoint = dpi / 72
        self.isRaster = false
        let sink = ByteSink()
        self.sink = sink
        let points = 72 / dpi
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let writer: cairo_write_func_t = { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }
        let created: OpaquePointer?
        switch format {
        case .svg: created = cairo_svg_surface_create_for_stream(writer, closure, Double(width) * points, Double(height) * points)
        case .pdf: created = cairo_pdf_surface_create_for_stream(writer, closure, Double(width) * points, Double(height) * points)
        case .png: created = nil
        }
        guard let surface = created, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PlotError.renderingFailed(path: "", reason: "cannot create a \(format.rawValue) surface")
        }
        if format == .pdf { cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5) }
        self.surface = surface
        self.context = cairo_create(surface)
        cairo_scale(context, points, points)
        configure()
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    private func configure() {
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
        // Gray antialiasing (not subpixel) keeps PNGs identical across displays and looks right when scaled.
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    /// Finishes a vector surface and returns its bytes.
    func finishVector() throws -> Data {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS, let sink else {
            throw PlotError.renderingFailed(path: "", reason: String(cString: cairo_status_to_string(status)))
        }
        return sink.data
    }

    // MARK: State

    func setColor(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    func save() { cairo_save(context) }
    func restore() { cairo_restore(context) }

    func clip(_ rect: Rect) {
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
    }

    // MARK: Shapes

    func fill(_ rect: Rect, _ color: Color) {
        setColor(color)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_fill(context)
    }

    /// Strokes a rectangle whose edges fall on pixel centres for a crisp 1-px frame.
    func strokeCrisp(_ rect: Rect, _ color: Color, width lineWidth: Double) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_set_dash(context, nil, 0, 0)
        let inset = lineWidth.rounded().truncatingRemainder(dividingBy: 2) == 1 ? 0.5 : 0
        cairo_rectangle(context, rect.x.rounded() + inset, rect.y.rounded() + inset,
                        rect.width.rounded(), rect.height.rounded())
        cairo_stroke(context)
    }

    /// A straight segment snapped to pixel centres when it is horizontal or vertical.
    func segment(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, width lineWidth: Double, dash: Dash = .solid) {
        setColor(color)
        setLine(width: lineWidth, dash: dash)
        var (a, b, c, d) = (x0, y0, x1, y1)
        let odd = lineWidth.rounded().truncatingRemainder(dividingBy: 2) == 1
        if x0 == x1 { a = x0.rounded() + (odd ? 0.5 : 0); c = a }
        if y0 == y1 { b = y0.rounded() + (odd ? 0.5 : 0); d = b }
        cairo_move_to(context, a, b)
        cairo_line_to(context, c, d)
        cairo_stroke(context)
    }

    func setLine(width lineWidth: Double, dash: Dash) {
        cairo_set_line_width(context, lineWidth)
        let pattern = dash.pattern.map { $0 * lineWidth }
        pattern.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
    }

    /// Strokes a polyline; runs are separated where `points` holds nil (a NaN in the data breaks the line).
    func polyline(_ points: [(Double, Double)?], _ color: Color, width lineWidth: Double, dash: Dash) {
        setColor(color)
        setLine(width: lineWidth, dash: dash)
        cairo_set_line_cap(context, dash == .solid ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        var penDown = false
        for point in points {
            guard let (x, y) = point else { penDown = false; continue }
            if penDown { cairo_line_to(context, x, y) } else { cairo_move_to(context, x, y); penDown = true }
        }
        cairo_stroke(context)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
    }

    // MARK: Text

    /// Font metrics for text of `size` points.
    struct FontMetrics { var ascent: Double; var descent: Double; var height: Double { ascent + descent } }

    private func selectFont(size: Double, bold: Bool) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size * pixelsPerPoint)
    }

    func metrics(size: Double, bold: Bool = false) -> FontMetrics {
        selectFont(size: size, bold: bold)
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return FontMetrics(ascent: extents.ascent, descent: extents.descent)
    }

    /// Width in pixels of `text` at `size` points.
    func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        selectFont(size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// The largest size (at most `size`, at least `minimumSize`) at which `text` fits `maximumWidth`,
    /// and the text itself, shortened with an ellipsis if even the smallest size is too wide. This is how
    /// layout guarantees that no title or label is ever clipped.
    func fit(_ text: String, size: Double, bold: Bool = false, maximumWidth: Double, minimumSize: Double = 6) -> (text: String, size: Double) {
        guard maximumWidth > 0 else { return ("", size) }
        let width = textWidth(text, size: size, bold: bold)
        if width <= maximumWidth { return (text, size) }
        let shrunk = max(minimumSize, size * maximumWidth / width)
        if textWidth(text, size: shrunk, bold: bold) <= maximumWidth { return (text, shrunk) }
        var characters = Array(text)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters) + "…"
            if textWidth(candidate, size: shrunk, bold: bold) <= maximumWidth { return (candidate, shrunk) }
        }
        return ("", shrunk)
    }

    /// Draws `text` anchored at (x, y), rotated by `angle` radians (counter-clockwise, as read on screen).
    func text(_ text: String, x: Double, y: Double, size: Double, color: Color = .ink, bold: Bool = false,
              horizontal: HorizontalAnchor = .left, vertical: VerticalAnchor = .baseline, angle: Double = 0) {
        guard !text.isEmpty else { return }
        selectFont(size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        var font = cairo_font_extents_t()
        cairo_font_extents(context, &font)
        let dx = -extents.x_advance * horizontal.rawValue
        let dy: Double
        switch vertical {
        case .top: dy = font.ascent
        case .center: dy = (font.ascent - font.descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -font.descent
        }
        setColor(color)
        cairo_save(context)
        cairo_translate(context, x, y)
        if angle != 0 { cairo_rotate(context, -angle) }
        cairo_move_to(context, dx, dy)
        cairo_show_text(context, text)
        cairo_new_path(context)
        cairo_restore(context)
    }

    // MARK: Images

    /// Draws a `columns` x `rows` image of opaque ARGB32 pixels scaled into `rect` without smoothing
    /// (each source pixel becomes a crisp block, as matplotlib's `interpolation="nearest"`).
    func image(_ pixels: [UInt32], columns: Int, rows: Int, into rect: Rect) {
        guard columns > 0, rows > 0, pixels.count == columns * rows else { return }
        guard let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(columns), Int32(rows)) else { return }
        defer { cairo_surface_destroy(image) }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        if let base = cairo_image_surface_get_data(image) {
            pixels.withUnsafeBufferPointer { source in
                for row in 0..<rows {
                    let destination = UnsafeMutableRawPointer(base + row * stride).assumingMemoryBound(to: UInt32.self)
                    destination.update(from: source.baseAddress! + row * columns, count: columns)
                }
            }
        }
        cairo_surface_mark_dirty(image)
        cairo_save(context)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
        cairo_translate(context, rect.x, rect.y)
        cairo_scale(context, rect.width / Double(columns), rect.height / Double(rows))
        cairo_set_source_surface(context, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(context), CAIRO_EXTEND_PAD)
        cairo_paint(context)
        cairo_restore(context)
    }

    /// Direct access to the raster pixels (opaque 0x00RRGGBB words, `stride` words per row). Cairo is
    /// flushed before and told about the change after.
    func withPixels(_ body: (UnsafeMutablePointer<UInt32>, _ strideInWords: Int) -> Void) {
        precondition(isRaster)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        body(UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self), stride)
        cairo_surface_mark_dirty(surface)
    }
}

/// Collects the bytes Cairo streams out for SVG and PDF.
final class ByteSink {
    var data = Data()
}

/// A rectangle in pixels, origin top left.
struct Rect: Sendable, Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(1, width - left - right), height: max(1, height - top - bottom))
    }

    func contains(_ px: Double, _ py: Double) -> Bool { px >= minX && px <= maxX && py >= minY && py <= maxY }

    /// The part of this rectangle inside `bounds`, or nil when they do not overlap.
    func clamped(to bounds: Rect) -> Rect? {
        let left = max(minX, bounds.minX), right = min(maxX, bounds.maxX)
        let top = max(minY, bounds.minY), bottom = min(maxY, bounds.maxY)
        guard right > left, bottom > top else { return nil }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }
}
