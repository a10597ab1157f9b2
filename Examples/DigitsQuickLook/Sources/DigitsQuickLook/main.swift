import Clustering
import Datasets
import Metrics
import NeuralNet
import Plotting
import TensorCore

// Data: the shipped MNIST files (found by walking up to datasets/mnist, or $ATELIER_MNIST_DIR).
let train = try Dataset.mnist(.train).prefix(6_000)
let test = try Dataset.mnist(.test).prefix(2_000)
let (x, xTest) = (train.images(), test.images())          // [n, 784] in [0, 1]

// A shallow network, trained as PyTorch users would.
let model = try ModelZoo.make("shallow", hidden: [128], seed: 0)
print(model)                                                // layer table with shapes and parameters
let trainer = Trainer(epochs: 2, batchSize: 64, loss: CrossEntropy(), optimizer: Adam(learningRate: 1e-3))
let history = try trainer.fit(model, inputs: x, targets: Tensor(classIndices: train.labels))
let predicted = model.forward(xTest, training: false).argmax(axis: 1)
print("test accuracy:", try accuracy(predictions: predicted, labels: test.labels))

// k-means on the raw pixels, judged by silhouette.
let clustering = try KMeans(clusterCount: 10, initializationCount: 1, seed: 0).fit(xTest)
print("inertia:", clustering.inertia, "silhouette:", try Silhouette.score(xTest, labels: clustering.labels))

// A figure: the training loss per epoch.
var figure = Figure(width: 900, height: 600, title: "Shallow network on 6,000 MNIST digits")
try figure[0].line(x: history.records.map { Double($0.epoch) }, y: history.records.map(\.trainingLoss), label: "train loss", marker: .circle)
figure[0].xLabel = "epoch"
try figure.save("loss.png")
