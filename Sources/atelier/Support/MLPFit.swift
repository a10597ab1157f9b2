import Foundation
import NeuralNet
import Preprocessing
import TensorCore

/// The `mlp` model of `atelier fit`: a ReLU network `p - h1 - ... - outputs` built from NeuralNet's
/// layers and trained by its `Trainer` (Adam) on standardised features. ModelZoo's networks are
/// shaped for 28 x 28 images; this one takes whatever columns the CSV has. A regression target is
/// standardised too (and predictions mapped back), so one learning rate suits any target scale.
struct MLPFit {
    var hidden: [Int]
    var epochs: Int
    var batchSize: Int
    var learningRate: Float
    var seed: UInt64

    struct Classifier {
        var classes: [Int]
        var scaler: FittedStandardScaler
        var network: Sequential
        var finalLoss: Double

        /// Softmax of the network's logits, `[n][classes]`.
        func probabilities(_ x: Tensor) throws -> [[Double]] {
            let logits = network.predict(try scaler.transform(x))
            let k = classes.count
            return (0..<logits.rowCount).map { row in
                let z = (0..<k).map { Double(logits.elements[row * k + $0]) }
                let top = z.max()!
                let e = z.map { Foundation.exp($0 - top) }
                let total = e.reduce(0, +)
                return e.map { $0 / total }
            }
        }
    }

    struct Regressor {
        var scaler: FittedStandardScaler
        var network: Sequential
        var targetMean: Double
        var targetScale: Double
        var finalLoss: Double

        func predict(_ x: Tensor) throws -> [Double] {
            network.predict(try scaler.transform(x)).elements.map { Double($0) * targetScale + targetMean }
        }
    }

    func network(inputs: Int, outputs: Int) -> Sequential {
        let sizes = [inputs] + hidden
        return Sequential(name: "mlp", inputShape: [inputs], seed: seed) {
            for i in 0..<(sizes.count - 1) { Linear(sizes[i], sizes[i + 1]); ReLU() }
            Linear(sizes.last!, outputs)
        }
    }

    func trainer(_ loss: any Loss) -> Trainer {
        Trainer(epochs: epochs, batchSize: batchSize, loss: loss, optimizer: Adam(learningRate: learningRate), seed: seed, showsProgress: false)
    }

    func fitClassifier(_ x: Tensor, labels: [Int]) throws -> Classifier {
        let classes = Array(Set(labels)).sorted()
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let scaler = try StandardScaler().fit(x)
        let model = network(inputs: x.rowLength, outputs: classes.count)
        let history = try trainer(CrossEntropy()).fit(model, inputs: try scaler.transform(x), targets: Tensor(classIndices: labels.map { position[$0]! }))
        return Classifier(classes: classes, scaler: scaler, network: model, finalLoss: history.records.last?.trainingLoss ?? .nan)
    }

    func fitRegressor(_ x: Tensor, targets: [Double]) throws -> Regressor {
        let scaler = try StandardScaler().fit(x)
        let mean = targets.reduce(0, +) / Double(targets.count)
        let spread = (targets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(targets.count)).squareRoot()
        let scale = spread > 0 ? spread : 1
        let model = network(inputs: x.rowLength, outputs: 1)
        let y = Tensor(shape: [targets.count, 1], elements: targets.map { Float(($0 - mean) / scale) })
        let history = try trainer(MeanSquaredError()).fit(model, inputs: try scaler.transform(x), targets: y)
        return Regressor(scaler: scaler, network: model, targetMean: mean, targetScale: scale, finalLoss: history.records.last?.trainingLoss ?? .nan)
    }
}
