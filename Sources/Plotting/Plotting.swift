// Plotting: figures for reports, on Cairo, written as PNG (libpng), SVG or PDF.
//
// A figure is a value: build it, fill its panels, save it. Everything validates as it is added
// (typed `PlotError`s), and layout measures every text with the real font, so nothing is clipped.
//
// ```swift
// import Plotting
//
// // Training curves with an early-stopping marker, and a confusion matrix, side by side.
// var figure = Figure(width: 1600, height: 700, dpi: 120, rows: 1, columns: 2, title: "LeNet-5 on MNIST")
// try figure[0].line(x: epochs, y: trainLoss, label: "train")
// try figure[0].line(x: epochs, y: validationLoss, label: "validation", marker: .circle)
// try figure[0].verticalLine(at: 12, label: "early stop")
// figure[0].xLabel = "epoch"
// figure[0].yLabel = "loss"
// try figure[1].confusionMatrix(counts, classNames: (0...9).map(String.init))
// try figure.save("reports/training.png")        // or .svg / .pdf; atomic write
//
// // t-SNE embedding coloured by label, with a legend.
// var embedding = Figure(width: 1600, height: 1600, dpi: 150, title: "t-SNE")
// try embedding[0].scatter(x: xs, y: ys, categories: labels, names: classNames, size: 2)
// try embedding.save("tsne.png")
//
// // Misclassified digits captioned "pred 3 / true 5" (red when wrong).
// let (captions, colors) = try ImageGallery.predictionCaptions(predicted: predicted, truth: truth)
// let gallery = try ImageGallery(images: images, imageWidth: 28, imageHeight: 28, columns: 8,
//                                captions: captions, captionColors: colors)
// try gallery.save("misclassified.png")
// ```
//
// Files: `Figure.swift` (canvas, grid of panels, shared axes), `Axes.swift` (the series API),
// `ImageGallery.swift` (grids of small images), `Colormap.swift` + `ColormapTables.swift`,
// `Ticks.swift` (nice ticks, compact labels), `AxesRenderer.swift` (measured layout),
// `AxesDrawing.swift` (drawing), `Legend.swift`, `Markers.swift` (fast raster markers), `LineClipping.swift`,
// `Canvas.swift` (Cairo), `Output.swift` (formats, libpng encoder, atomic writes, reading PNGs back),
// `PlotDemo.swift` (one figure of every kind). Usage guide: `README.md` in this folder.
