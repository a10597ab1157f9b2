import Foundation
@testable import Plotting

/// Channel-wise distance (0...255) between two colours.
func colorDistance(_ a: Color, _ b: Color) -> Int {
    let x = a.bytes, y = b.bytes
    return max(abs(Int(x.red) - Int(y.red)), abs(Int(x.green) - Int(y.green)), abs(Int(x.blue) - Int(y.blue)))
}

/// Saves `figure` as a PNG in a fresh folder and reads it back through Cairo's decoder.
func renderedPNG(_ figure: some Renderable, name: String = "figure.png") throws -> (RasterImage, String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-plot-\(UUID().uuidString)")
    let path = folder.appendingPathComponent(name).path
    try figure.save(path)
    return (try RasterImage.readPNG(path), path)
}

extension RasterImage {
    /// The canvas edges that hold non-background pixels ("" when the 1-pixel border is blank, i.e. nothing
    /// reaches the edge and so nothing was clipped).
    var touchedEdges: String {
        var edges: [String] = []
        if countPixels(x: 0..<width, y: 0..<1, tolerance: 8) > 0 { edges.append("top") }
        if countPixels(x: 0..<width, y: (height - 1)..<height, tolerance: 8) > 0 { edges.append("bottom") }
        if countPixels(x: 0..<1, y: 0..<height, tolerance: 8) > 0 { edges.append("left") }
        if countPixels(x: (width - 1)..<width, y: 0..<height, tolerance: 8) > 0 { edges.append("right") }
        return edges.joined(separator: ", ")
    }
}
