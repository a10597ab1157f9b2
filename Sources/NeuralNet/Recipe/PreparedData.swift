import Datasets
import Foundation
import TensorCore

/// A run's data after loading and splitting: fit / validation / test samples, what one sample
/// looks like, and whether the target is a class or a number.
///
/// `TrainingRun.prepareData()` builds it from a recipe; the reports build it from splits they
/// already hold (`init(fit:validation:test:)`) so that several models share one load.
public struct PreparedData {
    /// Inputs `[n, ...sample shape]` with their targets: class indices, or `[n, 1]` numbers.
    public struct Samples {
        public var inputs: Tensor
        /// Class labels (classification), nil for regression.
        public var labels: [Int]?
        /// Numeric targets `[n, 1]` (regression), nil for classification.
        public var values: Tensor?
        public var count: Int { inputs.rowCount }

        public init(inputs: Tensor, labels: [Int]?, values: Tensor? = nil) {
            self.inputs = inputs
            self.labels = labels
            self.values = values
        }

        /// The targets a model trains against: class indices, numbers, or (autoencoder) itself.
        func targets(autoencoder: Bool) -> Tensor {
            if autoencoder { return inputs.reshaped([count, inputs.rowLength]) }
            if let labels { return Tensor(classIndices: labels) }
            return values!
        }

        func rows(_ indices: [Int]) -> Samples {
            Samples(inputs: inputs.rows(at: indices), labels: labels.map { all in indices.map { all[$0] } }, values: values?.rows(at: indices))
        }
    }

    /// e.g. "mnist" or the table's path.
    public var name: String
    public var fit: Samples
    public var validation: Samples?
    public var test: Samples
    /// One sample's shape: `[channels, height, width]` for images, `[features]` for tables.
    public var sampleShape: [Int]
    /// Class names (nil: regression).
    public var classNames: [String]?
    /// The table's feature columns (nil for images).
    public var featureNames: [String]?

    public init(name: String, fit: Samples, validation: Samples?, test: Samples, sampleShape: [Int],
                classNames: [String]?, featureNames: [String]? = nil) {
        self.name = name
        self.fit = fit
        self.validation = validation
        self.test = test
        self.sampleShape = sampleShape
        self.classNames = classNames
        self.featureNames = featureNames
    }

    /// Grayscale image splits (MNIST, Fashion-MNIST) as the reports hold them.
    public init(fit: ImageDataset, validation: ImageDataset?, test: ImageDataset, name: String) {
        func samples(_ set: ImageDataset) -> Samples {
            Samples(inputs: set.images().reshaped([set.count, 1, set.height, set.width]), labels: set.labels)
        }
        self.init(name: name, fit: samples(fit), validation: validation.map(samples), test: samples(test),
                  sampleShape: [1, fit.height, fit.width], classNames: fit.classNames)
    }

    public var isClassification: Bool { classNames != nil }
    public var isImage: Bool { sampleShape.count == 3 }

    /// Loads `data` and splits it as `recipe` says.
    static func load(_ recipe: TrainingRecipe) throws -> PreparedData {
        switch recipe.data {
        case let .dataset(name, directory, limit):
            let (train, test, shape, classNames) = try loadImages(name.lowercased(), directory: directory, limit: limit)
            var prepared = PreparedData(name: name.lowercased(), fit: train, validation: nil, test: test, sampleShape: shape, classNames: classNames)
            try prepared.holdOutValidation(recipe.validationFraction, seed: recipe.seed)
            return prepared
        case let .table(path, labelColumn):
            return try loadTable(path, labelColumn: labelColumn, recipe: recipe)
        case let .provided(name):
            throw NeuralNetError.invalidArgument("the recipe's data (\(name)) is provided by the caller: pass it to TrainingRun.train(on:)")
        }
    }

    /// Moves a stratified `fraction` of the fit samples to validation (the split `atelier
    /// train` always made: `Splitter(fractions: [1 - f, f], seed:, stratified: true)`).
    mutating func holdOutValidation(_ fraction: Double, seed: UInt64) throws {
        guard fraction > 0 else { return }
        let labels = fit.labels ?? [Int](repeating: 0, count: fit.count)
        let parts = try Splitter(fractions: [1 - fraction, fraction], seed: seed, stratified: fit.labels != nil)
            .split(count: fit.count, labels: labels)
        guard !parts[0].isEmpty, !parts[1].isEmpty else {
            throw NeuralNetError.invalidData("\(name): \(fit.count) training samples are too few for a \(fraction) validation split")
        }
        (fit, validation) = (fit.rows(parts[0]), fit.rows(parts[1]))
    }

    /// One split of an image dataset (`mnist`, `fashion-mnist`, `cifar10`, `cifar100`) as
    /// `[n, channels, height, width]` samples with labels, and its class names: what
    /// `atelier evaluate` scores a checkpoint on.
    public static func images(_ name: String, split: Split, directory: String? = nil, limit: Int? = nil) throws -> (samples: Samples, classNames: [String]) {
        guard TrainingData.datasetNames.contains(name.lowercased()) else {
            throw NeuralNetError.invalidArgument("unknown dataset '\(name)'; expected one of \(TrainingData.datasetNames.joined(separator: ", "))")
        }
        let (train, test, _, classNames) = try loadImages(name.lowercased(), directory: directory, limit: limit, splits: [split])
        return (split == .train ? train : test, classNames)
    }

    static func loadImages(_ name: String, directory: String?, limit: Int?, splits: Set<Split> = [.train, .test]) throws -> (Samples, Samples, [Int], [String]) {
        switch name {
        case "cifar10", "cifar100":
            func load(_ split: Split) throws -> ColorImageDataset {
                guard splits.contains(split) else { return ColorImageDataset(name: name, pixels: [], labels: [], classNames: []) }
                let set = name == "cifar10" ? try Dataset.cifar10(split, directory: directory) : try Dataset.cifar100(split, directory: directory)
                return limit.map { set.subset(0..<Swift.min($0, set.count)) } ?? set
            }
            let (train, test) = (try load(.train), try load(.test))
            func samples(_ set: ColorImageDataset) -> Samples { Samples(inputs: set.imageTensor(), labels: set.labels) }
            let named = splits.contains(.train) ? train : test
            return (samples(train), samples(test), [named.channels, named.height, named.width], named.classNames)
        default:
            func load(_ split: Split) throws -> ImageDataset {
                guard splits.contains(split) else { return ImageDataset(name: name, pixels: [], labels: [], height: 28, width: 28, classNames: []) }
                return try Dataset.named(name, split: split, directory: directory).prefix(limit)
            }
            let (train, test) = (try load(.train), try load(.test))
            func samples(_ set: ImageDataset) -> Samples { Samples(inputs: set.images().reshaped([set.count, 1, set.height, set.width]), labels: set.labels) }
            let named = splits.contains(.train) ? train : test
            return (samples(train), samples(test), [1, named.height, named.width], named.classNames)
        }
    }
}
