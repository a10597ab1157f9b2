import ArgumentParser
import Datasets
import Foundation
import Plotting

/// `atelier gallery`: a grid of dataset images (the seeds' `plot_gallery`).
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Draw a rows x columns grid of MNIST or Fashion-MNIST images, captioned with their labels.",
        discussion: """
        --out is one figure file; its extension (.png, .svg, .pdf) picks the format.

        Examples:
          atelier gallery --dataset mnist --split train --rows 8 --cols 18 \\
              --out runs/digits.png
          atelier gallery --dataset fashion-mnist --rows 4 --cols 10 \\
              --colormap gray_r --out runs/fashion.svg
        """
    )

    @Option(help: "mnist or fashion-mnist.") var dataset: String = "mnist"
    @Option(help: "Folder holding the dataset's files (default: see CONVENTIONS.md, data lookup).") var dataDir: String?
    @Option(help: "train or test.") var split: String = "test"
    @Option(help: "Rows of images.") var rows: Int = 8
    @Option(help: "Columns of images.") var cols: Int = 18
    @Option(help: "Index of the first image.") var start: Int = 0
    @Option(help: "Colormap (gray: white on black as matplotlib's plot_gallery; gray_r: dark on white).") var colormap: String = "gray"
    @Flag(inversion: .prefixedNo, help: "Write each image's class name under it.") var captions = true
    @Option(help: "Output file: .png, .svg or .pdf.") var out: String
    @Flag(help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        guard rows > 0, cols > 0, rows * cols <= 10_000 else { throw ValidationError("--rows and --cols must be positive with at most 10,000 images, found \(rows)x\(cols)") }
        guard start >= 0 else { throw ValidationError("--start must be >= 0, found \(start)") }
        guard Split(rawValue: split) != nil else { throw ValidationError("--split must be train or test, got '\(split)'") }
        guard Dataset.imageDatasetNames.contains(dataset.lowercased()) else {
            throw ValidationError("--dataset must be one of \(Dataset.imageDatasetNames.joined(separator: ", ")), got '\(dataset)'")
        }
        do { _ = try Colormap(named: colormap) } catch { throw ValidationError("--colormap: \(error)") }
        do { _ = try OutputFormat(path: out) } catch { throw ValidationError("--out: \(error)") }
    }

    struct Summary: Codable { var files: [String]; var dataset: String; var images: Int; var width: Int; var height: Int; var seconds: Double }

    func run() throws {
        try OutputCheck.file(out)
        let started = Date()
        let data = try Dataset.named(dataset, split: Split(rawValue: split)!, directory: dataDir)
        guard start < data.count else {
            throw DatasetError.invalidArgument("--start \(start) is past the \(data.count) images of \(dataset) \(split); expected at most \(data.count - 1)")
        }
        let subset = data.subset(start..<min(data.count, start + rows * cols))
        let images = subset.images()
        let names = subset.labels.map { $0 < subset.classNames.count ? subset.classNames[$0] : String($0) }
        var gallery = try ImageGallery(images: images, imageWidth: subset.width, imageHeight: subset.height, columns: cols,
                                       width: 180 * cols, height: 240 * rows, captions: captions ? names : nil)
        gallery.colormap = try Colormap(named: colormap)
        try gallery.save(out)
        let summary = Summary(files: [out], dataset: "\(dataset) \(split)", images: subset.count, width: gallery.width, height: gallery.height,
                              seconds: Date().timeIntervalSince(started))
        if json { try Output.json(summary) } else { print("wrote \(out): \(subset.count) \(dataset) \(split) images, \(gallery.width)x\(gallery.height)") }
    }
}
