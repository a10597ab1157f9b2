import Clustering
import Datasets
import Embedding
import Foundation
import NeuralNet
import Plotting
import TensorCore

/// The `autoencoder` report: a dense autoencoder on MNIST, and what its latent space is good for.
///
/// Seed 004 clustered MNIST with k-means (k = 10) on the raw pixels and on the autoencoder's codes
/// and found silhouettes of 0.094 vs 0.398; this report repeats that comparison (silhouette,
/// inertia, purity per cluster), shows reconstructions and t-SNE maps of both spaces, and trains a
/// small classifier on the codes.
public enum AutoencoderReport: ReportBuilder {
    public static let name = "autoencoder"
    public static let title = "Autoencoder latent space: reconstructions, k-means, t-SNE"

    struct Sizes {
        /// Training images for the autoencoder and the latent classifier (nil: all 60,000).
        var trainCount: Int?
        var epochs: Int
        /// Test images that are clustered, embedded and classified.
        var analysisCount: Int
        var tsneIterations: Int
        var kMeansInitializations: Int
        var classifierEpochs: Int
    }

    static func sizes(_ profile: ReportProfile) -> Sizes {
        switch profile {
        case .full: return Sizes(trainCount: nil, epochs: 15, analysisCount: 10_000, tsneIterations: 750, kMeansInitializations: 4, classifierEpochs: 15)
        case .quick: return Sizes(trainCount: 10_000, epochs: 12, analysisCount: 2_000, tsneIterations: 500, kMeansInitializations: 2, classifierEpochs: 10)
        case .tiny: return Sizes(trainCount: 2_000, epochs: 8, analysisCount: 300, tsneIterations: 300, kMeansInitializations: 1, classifierEpochs: 8)
        }
    }

    static let latentSize = 32

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let sizes = sizes(context.profile)
        writer.configure("autoencoder", "784-128-\(latentSize)-128-784, ReLU, sigmoid output, MSE, Adam lr 1e-3, batch 64, \(sizes.epochs) epochs")
        writer.configure("training images", sizes.trainCount.map { "first \(ReportFormat.grouped(Double($0))) of the MNIST training split" } ?? "all 60,000")
        writer.configure("analysed images", "first \(ReportFormat.grouped(Double(sizes.analysisCount))) of the MNIST test split")
        writer.configure("k-means", "k = 10, k-means++, \(sizes.kMeansInitializations) initialisation(s), best inertia kept")
        writer.configure("t-SNE", "perplexity 30, \(sizes.tsneIterations) iterations, PCA initialisation; raw pixels reduced to 50 PCA components first")
        writer.paragraph("""
        An autoencoder squeezes each 784-pixel digit through \(latentSize) numbers and learns to rebuild it, without ever \
        seeing the labels. Do the codes group digits better than the pixels? The tables below repeat seed 004's k-means \
        comparison, whose silhouettes were 0.094 (raw pixels) and 0.398 (latent codes).
        """)

        let (train, test) = try writer.step("load MNIST") {
            (try Dataset.mnist(.train).prefix(sizes.trainCount), try Dataset.mnist(.test).prefix(sizes.analysisCount))
        }
        let trainImages = train.images(), testImages = test.images()

        let (model, history) = try writer.step("train autoencoder") { () -> (Sequential, TrainingHistory) in
            // Through `TrainingRun`, like every training in Atelier; the test images double as
            // the validation set so the curves show test MSE per epoch.
            var recipe = TrainingRecipe(model: "autoencoder", data: .provided(name: "mnist"))
            recipe.latent = latentSize
            recipe.epochs = sizes.epochs
            recipe.seed = context.seed
            let analysed = PreparedData.Samples(inputs: testImages, labels: test.labels)
            let data = PreparedData(name: "mnist", fit: .init(inputs: trainImages, labels: train.labels), validation: analysed,
                                    test: analysed, sampleShape: [1, 28, 28], classNames: test.classNames)
            let run = TrainingRun(recipe, log: { context.log("  autoencoder " + $0) }, showsProgress: false)
            let outcome = try run.train(on: data)
            return (outcome.model, outcome.history)
        }
        guard let encoder = model.submodel(named: "encoder"), let decoder = model.submodel(named: "decoder") else {
            throw ReportError(report: name, step: "train autoencoder", reason: "the zoo autoencoder has no encoder/decoder submodels")
        }

        writer.heading("Reconstructions")
        try writer.step("reconstructions") {
            let reconstructions = model.predict(testImages)
            let errors = rowMeanSquaredErrors(testImages, reconstructions)
            let order = errors.indices.sorted { errors[$0] < errors[$1] || (errors[$0] == errors[$1] && $0 < $1) }
            let meanError = errors.reduce(0, +) / Double(errors.count)
            writer.metric("reconstructionMSETest", .finite(meanError))
            writer.metric("reconstructionMSETrainLastEpoch", .finite(history.records.last?.trainingLoss ?? .nan))
            var figure = Figure(width: 1300, height: 480, dpi: 110, title: "Autoencoder training: mean squared error per pixel")
            let epochs = history.records.map { Double($0.epoch) }
            try figure[0].line(x: epochs, y: history.records.map(\.trainingLoss), label: "training images", marker: .circle, markerSize: 4)
            try figure[0].line(x: epochs, y: history.records.map { $0.validationLoss ?? .nan }, label: "test images", dash: .dashed, marker: .circle, markerSize: 4)
            figure[0].xLabel = "epoch"
            figure[0].yLabel = "MSE"
            figure[0].showsGrid = true
            try figure.save(writer.figurePath("training_loss.png"))
            writer.figure("training_loss.png", caption: "Reconstruction error per epoch on the training images and on the \(ReportFormat.grouped(Double(test.count))) analysed test images.")
            let shown = min(10, order.count)
            for (kind, indices) in [("best", Array(order.prefix(shown))), ("worst", Array(order.suffix(shown).reversed()))] {
                var gallery = try ImageGallery.pairs(originals: indices.map { testImages.row($0) }, reconstructions: indices.map { reconstructions.row($0) },
                                                     imageWidth: 28, imageHeight: 28, columns: shown)
                gallery.width = 150 + shown * 110
                gallery.height = 2 * 110 + 50
                gallery.title = "\(kind == "best" ? "Best" : "Worst") reconstructions (test images)"
                try gallery.save(writer.figurePath("reconstructions_\(kind).png"))
                let range = indices.map { errors[$0] }
                writer.figure("reconstructions_\(kind).png", caption: "The \(shown) test images the autoencoder rebuilds \(kind == "best" ? "best" : "worst") (top) and their reconstructions (bottom): MSE \(ReportFormat.fixed(range.min()!, 4)) to \(ReportFormat.fixed(range.max()!, 4)), labels \(indices.map { String(test.labels[$0]) }.joined(separator: " ")). Mean over all analysed images: \(ReportFormat.fixed(meanError, 4)).")
            }
        }

        let latent = try writer.step("encode") { encoder.predict(testImages) }
        writer.heading("k-means with k = 10: raw pixels vs latent codes")
        let clusterings = try writer.step("k-means") { () -> [(name: String, key: String, data: Tensor, result: KMeansResult, silhouette: Double, purity: ClusterPurity)] in
            try [("raw pixels (784)", "raw", testImages), ("latent codes (\(latentSize))", "latent", latent)].map { space in
                let result = try KMeans(clusterCount: 10, initializationCount: sizes.kMeansInitializations, seed: context.seed, showsProgress: false).fit(space.2)
                let silhouette = try Silhouette.score(space.2, labels: result.labels)
                let purity = try ClusterPurity(clusters: result.labels, labels: test.labels)
                return (space.0, space.1, space.2, result, silhouette, purity)
            }
        }
        let references = ["raw": 0.094, "latent": 0.398]
        writer.table(ReportTable(caption: "k-means (k = 10) on \(ReportFormat.grouped(Double(test.count))) test images",
                                 header: ["space", "silhouette", "seed 004 silhouette", "inertia", "inertia per image", "purity", "iterations"],
                                 rows: clusterings.map { c in
                                     [c.name, ReportFormat.fixed(c.silhouette, 4), ReportFormat.fixed(references[c.key]!, 3),
                                      ReportFormat.grouped(c.result.inertia), ReportFormat.fixed(c.result.inertia / Double(test.count), 3),
                                      ReportFormat.percent(c.purity.overall), "\(c.result.iterations)"]
                                 }, numericColumns: [1, 2, 3, 4, 5, 6]))
        let (raw, coded) = (clusterings[0], clusterings[1])
        writer.paragraph("In this run the latent silhouette is \(ReportFormat.fixed(coded.silhouette, 3)) against \(ReportFormat.fixed(raw.silhouette, 3)) on the pixels (\(coded.silhouette > raw.silhouette ? "higher: the clusters are tighter and better separated in the code space" : "not higher")), and purity is \(ReportFormat.percent(coded.purity.overall, 1)) against \(ReportFormat.percent(raw.purity.overall, 1)). Seed 004's absolute values came from its own network and data subset, so the comparison to read is the direction, not the digits.")
        writer.paragraph("Silhouette is in [-1, 1]: higher means images sit closer to their own cluster than to the next one. Inertia (the sum of squared distances to the centroids) is not comparable across the two spaces, whose scales differ; the per-image value is given for reading. Purity: the share of images whose cluster's majority digit is their own.")
        for c in clusterings {
            writer.metric(MetricKey.join("kmeans", c.key), .object([
                "silhouette": .finite(c.silhouette), "inertia": .finite(c.result.inertia), "purity": .finite(c.purity.overall),
                "iterations": .number(Double(c.result.iterations)),
                "clusters": .array(c.purity.clusters.map { .object(["cluster": .number(Double($0.cluster)), "size": .number(Double($0.size)),
                                                                     "majorityLabel": .number(Double($0.majorityLabel)), "share": .finite($0.share)]) }),
            ]))
        }
        writer.heading("Purity per cluster", level: 3)
        let purityRows = (0..<10).map { cluster -> [String] in
            var row = [String(cluster)]
            for c in clusterings {
                if let entry = c.purity.clusters.first(where: { $0.cluster == cluster }) {
                    row += [String(entry.size), String(entry.majorityLabel), ReportFormat.percent(entry.share, 1)]
                } else {
                    row += ["0", "-", "-"]
                }
            }
            return row
        }
        writer.table(ReportTable(caption: "Each cluster's size, majority digit and the majority's share (clusters numbered by k-means, independently in each space)",
                                 header: ["cluster", "raw: size", "raw: majority digit", "raw: share", "latent: size", "latent: majority digit", "latent: share"],
                                 rows: purityRows, numericColumns: [0, 1, 2, 3, 4, 5, 6]))
        try writer.step("centroid images") {
            let rawCentroids = clusterings[0].result.centroids
            let decodedCentroids = decoder.predict(clusterings[1].result.centroids)
            let images = (0..<10).map { rawCentroids.row($0) } + (0..<10).map { decodedCentroids.row($0) }
            var gallery = try ImageGallery(images: images, imageWidth: 28, imageHeight: 28, columns: 10, width: 150 + 10 * 110, height: 2 * 110 + 50)
            gallery.rowLabels = ["raw centroid", "decoded latent"]
            gallery.title = "The ten k-means centroids of each space, as images"
            try gallery.save(writer.figurePath("centroids.png"))
            writer.figure("centroids.png", caption: "Top: centroids of k-means on the pixels (mean images of each cluster). Bottom: centroids of k-means on the codes, passed through the decoder. Raw majority digits: \(clusterings[0].purity.clusters.map { String($0.majorityLabel) }.joined(separator: " ")); latent: \(clusterings[1].purity.clusters.map { String($0.majorityLabel) }.joined(separator: " ")).")
        }

        writer.heading("t-SNE maps")
        try writer.step("t-SNE") {
            let (_, reduced) = try PCA(componentCount: 50).fitTransform(testImages)
            var figure = Figure(width: 1700, height: 800, dpi: 115, rows: 1, columns: 2, title: "t-SNE of \(ReportFormat.grouped(Double(test.count))) test digits, coloured by true label")
            var scores: [String: JSONValue] = [:]
            for (panel, space) in [("raw pixels (PCA 50)", "raw", reduced), ("latent codes", "latent", latent)].enumerated() {
                let embedding = try TSNE(perplexity: 30, iterations: sizes.tsneIterations, seed: context.seed, showsProgress: false).fit(space.2)
                let points = embedding.embedding
                let neighbours = try NeighborAccuracy.score(points, labels: test.labels, neighborCount: 10)
                scores[space.1] = .object(["klDivergence": .finite(embedding.klDivergence), "neighborAccuracy10": .finite(neighbours)])
                let x = (0..<points.rowCount).map { points.elements[2 * $0] }, y = (0..<points.rowCount).map { points.elements[2 * $0 + 1] }
                try figure[panel].scatter(x: x, y: y, categories: test.labels, names: Dataset.mnistClassNames,
                                          size: test.count > 5_000 ? 2.5 : 4)
                figure[panel].title = "\(space.0): 10-NN label agreement \(ReportFormat.percent(neighbours, 1))"
                figure[panel].legend = panel == 1 ? .outsideRight : .hidden
                figure[panel].legendTitle = "digit"
            }
            try figure.save(writer.figurePath("tsne.png"))
            writer.metric("tsne", .object(scores))
            writer.figure("tsne.png", caption: "t-SNE of the same test images from the pixels (left, after PCA to 50 dimensions) and from the \(latentSize)-number codes (right). The title gives the share of each point's 10 nearest map neighbours that carry its label.")
        }

        writer.heading("A small classifier on the codes")
        try writer.step("latent classifier") {
            let trainLatent = encoder.predict(trainImages)
            var rows: [[String]] = []
            var parameterCounts: [Int] = []
            for (space, key, trainInputs, testInputs) in [("latent codes (\(latentSize))", "latent", trainLatent, latent), ("raw pixels (784)", "raw", trainImages, testImages)] {
                let width = trainInputs.rowLength
                var recipe = TrainingRecipe(model: "shallow", data: .provided(name: "mnist \(key)"))
                recipe.hidden = [64]
                recipe.standardize = false
                recipe.epochs = sizes.classifierEpochs
                recipe.seed = context.seed
                let data = PreparedData(name: "mnist \(key)", fit: .init(inputs: trainInputs, labels: train.labels), validation: nil,
                                        test: .init(inputs: testInputs, labels: test.labels), sampleShape: [width], classNames: test.classNames)
                let outcome = try TrainingRun(recipe, showsProgress: false).train(on: data)
                let (classifier, measured) = (outcome.model, (loss: outcome.testLoss, accuracy: outcome.testAccuracy))
                writer.metric(MetricKey.join("classifier", key, "test", "accuracy"), .finite(measured.accuracy ?? .nan))
                parameterCounts.append(classifier.parameterCount)
                rows.append([space, "\(width)-64-10", ReportFormat.grouped(Double(classifier.parameterCount)), ReportFormat.percent(measured.accuracy ?? .nan)])
            }
            writer.table(ReportTable(caption: "Test accuracy of a one-hidden-layer classifier (Adam, \(sizes.classifierEpochs) epochs) trained on the \(ReportFormat.grouped(Double(train.count))) training images' codes, and the same shape on raw pixels for comparison",
                                     header: ["input", "layers", "parameters", "test accuracy"], rows: rows, numericColumns: [2, 3]))
            writer.paragraph("The encoder was trained without labels; the classifier on its \(latentSize) numbers has \(parameterCounts[1] / max(parameterCounts[0], 1)) times fewer weights than the one on the pixels.")
        }
    }

    /// Mean squared error of each row of `reconstructions` against `originals`.
    static func rowMeanSquaredErrors(_ originals: Tensor, _ reconstructions: Tensor) -> [Double] {
        let rows = originals.rowCount, width = originals.rowLength
        return originals.withUnsafeBufferPointer { a in
            reconstructions.withUnsafeBufferPointer { b in
                (0..<rows).map { row in
                    var sum: Float = 0
                    for column in (row * width)..<((row + 1) * width) {
                        let difference = a[column] - b[column]
                        sum += difference * difference
                    }
                    return Double(sum) / Double(width)
                }
            }
        }
    }
}
