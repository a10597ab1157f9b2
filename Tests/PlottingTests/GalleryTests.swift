import Foundation
import Testing
import TensorCore
@testable import Plotting

@Suite("Image galleries")
struct GalleryTests {
    @Test("images land in their cells with colormap colours; captions carry their colours")
    func pixelsAndCaptions() throws {
        // Image k is uniformly k / 5: a gray ramp across six cells.
        let images = (0..<6).map { [Float](repeating: Float($0) / 5, count: 16) }
        let captions = try ImageGallery.predictionCaptions(predicted: [0, 1, 2, 0, 4, 5], truth: [0, 1, 2, 3, 4, 5])
        #expect(captions.captions[3] == "pred 0 / true 3")
        var gallery = try ImageGallery(images: images, imageWidth: 4, imageHeight: 4, columns: 3, width: 600, height: 480,
                                       captions: captions.captions, captionColors: captions.colors)
        gallery.title = "ramp"
        let (image, _) = try renderedPNG(gallery)
        #expect(image.width == 600 && image.height == 480)
        var previous = -1.0
        for index in 0..<3 {
            // The middle of each top-row cell's image box.
            let x = 10 + Int((Double(index) + 0.5) * (580.0 / 3))
            let gray = image.color(x: x, y: 140).red
            #expect(abs(gray - Double(index) / 5) <= 1.5 / 255, "image \(index): \(gray)")
            #expect(gray > previous)
            previous = gray
        }
        // The one wrong prediction gives red caption pixels, the right ones green.
        var red = 0, green = 0
        for y in 0..<480 { for x in 0..<600 {
            let c = image.color(x: x, y: y)
            if colorDistance(c, Color(hex: 0xd62728)) <= 30 { red += 1 }
            if colorDistance(c, Color(hex: 0x2a8c2a)) <= 30 { green += 1 }
        } }
        #expect(red > 20)
        #expect(green > red * 2)
    }

    @Test("tensor shapes [n, h*w], [n, h, w] and [n, 1, h, w] all work")
    func tensorShapes() throws {
        let flat = Tensor(shape: [4, 9], repeating: 0.5)
        #expect(try ImageGallery(images: flat, columns: 2).imageWidth == 3)
        #expect(try ImageGallery(images: flat.reshaped([4, 3, 3]), columns: 2).rows == 2)
        #expect(try ImageGallery(images: flat.reshaped([4, 1, 3, 3]), columns: 4).columns == 4)
        #expect(throws: PlotError.self) { try ImageGallery(images: Tensor(shape: [4, 10], repeating: 0), columns: 2) }
    }

    @Test("pairs alternate originals and reconstructions with row labels")
    func pairs() throws {
        let originals = (0..<4).map { _ in [Float](repeating: 1, count: 4) }
        let reconstructions = (0..<4).map { _ in [Float](repeating: 0, count: 4) }
        let gallery = try ImageGallery.pairs(originals: originals, reconstructions: reconstructions, imageWidth: 2, imageHeight: 2, columns: 4)
        #expect(gallery.rows == 2)
        #expect(gallery.rowLabels == ["original", "reconstruction"])
        #expect(gallery.images[0] == originals[0] && gallery.images[4] == reconstructions[0])
        let raster = try gallery.rasterized()
        #expect(raster.countPixels(x: 0..<raster.width, y: 0..<raster.height, differingFrom: .white) > 100)
    }

    @Test("gallery input errors")
    func errors() {
        #expect(throws: PlotError.self) { try ImageGallery(images: [], imageWidth: 2, imageHeight: 2, columns: 1) }
        #expect(throws: PlotError.self) { try ImageGallery(images: [[1, 2, 3]], imageWidth: 2, imageHeight: 2, columns: 1) }
        #expect(throws: PlotError.self) { try ImageGallery(images: [[1, 2, 3, 4]], imageWidth: 2, imageHeight: 2, columns: 0) }
        #expect(throws: PlotError.self) { try ImageGallery(images: [[1, 2, 3, 4]], imageWidth: 2, imageHeight: 2, columns: 1, captions: ["a", "b"]) }
        #expect(throws: PlotError.self) { try ImageGallery.predictionCaptions(predicted: [1], truth: [1, 2]) }
    }
}
