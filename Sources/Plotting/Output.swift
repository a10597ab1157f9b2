import CCairo
import CPNG
import Foundation

/// The file formats a figure can be written in, chosen by the output path's extension.
public enum OutputFormat: String, Sendable, CaseIterable {
    case png, svg, pdf

    /// The format for `path`'s extension (case-insensitive); anything else throws `PlotError.unsupportedFormat`.
    public init(path: String) throws {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        guard let format = OutputFormat(rawValue: fileExtension) else {
            throw PlotError.unsupportedFormat(path: path, found: fileExtension.isEmpty ? "(none)" : fileExtension)
        }
        self = format
    }
}

/// PNG encoder settings. The defaults favour speed: zlib level 1 with the Sub filter compresses
/// plots (large flat areas) to within ~15 % of level 6 at a fraction of the time of Cairo's own writer.
public struct PNGOptions: Sendable, Equatable {
    /// zlib level, 0 (store) ... 9 (smallest).
    public var compressionLevel: Int32
    /// A mask of PNG row filters (`PNG_FILTER_SUB` etc. from libpng); libpng picks per row among them.
    public var filters: Int32

    /// libpng's filter masks, for `filters`.
    public static let noFilter: Int32 = 0x08, subFilter: Int32 = 0x10, upFilter: Int32 = 0x20, allFilters: Int32 = 0xf8

    public init(compressionLevel: Int32 = 1, filters: Int32 = PNGOptions.subFilter) {
        self.compressionLevel = compressionLevel
        self.filters = filters
    }
}

/// Something that draws itself on a canvas of a given pixel size: a `Figure` or an `ImageGallery`.
public protocol Renderable: Sendable {
    /// Canvas size in pixels.
    var width: Int { get }
    var height: Int { get }
    /// Dots per inch: text sizes are in points, so this sets how large text is in pixels.
    var dpi: Double { get }
    /// Draws everything. Throws on invalid data (empty series, mismatched lengths ...).
    func draw(on canvas: Canvas) throws
}

extension Renderable {
    /// Renders and writes to `path` atomically (a temporary file in the same folder, then rename), the format
    /// chosen by the extension (.png, .svg, .pdf). Missing folders are created.
    public func save(_ path: String, png options: PNGOptions = PNGOptions()) throws {
        let format = try OutputFormat(path: path)
        let data: Data
        do {
            data = try encoded(as: format, png: options)
        } catch let error as PlotError {
            if case .renderingFailed(_, let reason) = error { throw PlotError.renderingFailed(path: path, reason: reason) }
            throw error
        }
        try AtomicFile.write(data, to: path)
    }

    /// The encoded file content in `format`.
    public func encoded(as format: OutputFormat, png options: PNGOptions = PNGOptions()) throws -> Data {
        switch format {
        case .png:
            let canvas = try Canvas(rasterWidth: width, height: height, dpi: dpi)
            try draw(on: canvas)
            return try PNGEncoder.encode(canvas, options: options)
        case .svg, .pdf:
            let canvas = try Canvas(vectorFormat: format, width: width, height: height, dpi: dpi)
            try draw(on: canvas)
            return try canvas.finishVector()
        }
    }

    /// Renders into memory and returns the pixels (for tests and for composing images).
    public func rasterized() throws -> RasterImage {
        let canvas = try Canvas(rasterWidth: width, height: height, dpi: dpi)
        try draw(on: canvas)
        return RasterImage(canvas: canvas)
    }
}

/// Encodes a raster canvas as PNG through libpng.
enum PNGEncoder {
    static func encode(_ canvas: Canvas, options: PNGOptions) throws -> Data {
        cairo_surface_flush(canvas.surface)
        guard let pixels = cairo_image_surface_get_data(canvas.surface) else {
            throw PlotError.renderingFailed(path: "", reason: "the image surface has no pixel data")
        }
        let stride = cairo_image_surface_get_stride(canvas.surface)
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        // The figure's DPI goes into the pHYs chunk, so that a paper's layout program sizes it as intended.
        let pixelsPerMeter = UInt32(min(max(canvas.pixelsPerPoint * 72 / 0.0254, 0), 1e7).rounded())
        let status = atelier_png_encode_argb32(pixels, Int32(canvas.width), Int32(canvas.height), stride,
                                               min(max(options.compressionLevel, 0), 9), options.filters, pixelsPerMeter, &output, &length)
        guard status == 0, let output else {
            throw PlotError.renderingFailed(path: "", reason: "libpng could not encode the image")
        }
        defer { free(output) }
        return Data(bytes: output, count: length)
    }
}

/// Atomic file writes (the Plotting module sits below Datasets, so it keeps its own small helper).
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw PlotError.renderingFailed(path: path, reason: error.localizedDescription)
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PlotError.renderingFailed(path: path, reason: "rename failed: \(reason)")
        }
    }
}

/// Pixels of a rendered or decoded image, row-major, for checks and composition.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Opaque 0xRRGGBB words (the alpha byte is cleared), `width` per row.
    public let pixels: [UInt32]

    public init(width: Int, height: Int, pixels: [UInt32]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    init(canvas: Canvas) {
        cairo_surface_flush(canvas.surface)
        let stride = Int(cairo_image_surface_get_stride(canvas.surface)) / 4
        var pixels = [UInt32](repeating: 0, count: canvas.width * canvas.height)
        if let data = cairo_image_surface_get_data(canvas.surface) {
            let words = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self)
            for row in 0..<canvas.height {
                for column in 0..<canvas.width { pixels[row * canvas.width + column] = words[row * stride + column] & 0xffffff }
            }
        }
        self.init(width: canvas.width, height: canvas.height, pixels: pixels)
    }

    /// Decodes a PNG file (through Cairo). Errors name the file.
    public static func readPNG(_ path: String) throws -> RasterImage {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PlotError.renderingFailed(path: path, reason: "no such file")
        }
        guard let surface = cairo_image_surface_create_from_png(path) else {
            throw PlotError.renderingFailed(path: path, reason: "cannot decode")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.renderingFailed(path: path, reason: "not a readable PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        var pixels = [UInt32](repeating: 0, count: width * height)
        if let data = cairo_image_surface_get_data(surface) {
            let words = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self)
            for row in 0..<height {
                for column in 0..<width { pixels[row * width + column] = words[row * stride + column] & 0xffffff }
            }
        }
        return RasterImage(width: width, height: height, pixels: pixels)
    }

    /// The colour at column `x`, row `y` (0-based, from the top left).
    public func color(x: Int, y: Int) -> Color {
        Color(hex: pixels[y * width + x])
    }

    /// Number of pixels in the rectangle whose colour differs from `background` by more than `tolerance`
    /// (0...255 per channel).
    public func countPixels(x: Range<Int>, y: Range<Int>, differingFrom background: Color = .white, tolerance: Int = 24) -> Int {
        let b = background.bytes
        var count = 0
        for row in y.clamped(to: 0..<height) {
            for column in x.clamped(to: 0..<width) {
                let word = pixels[row * width + column]
                let red = Int((word >> 16) & 0xff), green = Int((word >> 8) & 0xff), blue = Int(word & 0xff)
                if abs(red - Int(b.red)) > tolerance || abs(green - Int(b.green)) > tolerance || abs(blue - Int(b.blue)) > tolerance {
                    count += 1
                }
            }
        }
        return count
    }
}
