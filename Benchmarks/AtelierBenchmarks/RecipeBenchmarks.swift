import Datasets
import Foundation
import NeuralNet
import TensorCore

/// The modern recipe's costs. Issue 15 asks augmentation to cost at most 15 % of an epoch:
/// "nn-augment" times one epoch's worth of augmentation alone (the 55,000-image fit split in
/// batches of 128, as the trainer applies it) for each transform family; "nn-lenet5-recipe"
/// trains LeNet-5 with the whole recipe (`CNNReport.improvedRecipe` without the report) and
/// prints s/epoch and the validation and test accuracy per epoch (`ATELIER_NN_EPOCHS`, default 1).
extension BenchmarkRegistry {
    static let recipe: [Benchmark] = [
        Benchmark(name: "nn-augment") { RecipeBenchmark.augmentation() },
        Benchmark(name: "nn-lenet5-recipe") { RecipeBenchmark.train("lenet5") },
        Benchmark(name: "nn-cnn3-recipe") { RecipeBenchmark.train("cnn3") },
    ]
}

enum RecipeBenchmark {
    /// CPU seconds of the whole process (every thread), user + system. On this shared 2-core
    /// machine wall-clock times swing with other users' builds; the ratio of CPU seconds
    /// (augmentation vs a training epoch) is the fairer measure of what augmentation costs.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func augmentation() {
        do {
            let images = try Dataset.mnist(.train).images().reshaped([60_000, 1, 28, 28])
            let batches = (0..<430).map { images.rows(($0 * 128)..<(($0 + 1) * 128)) }
            for (label, spec) in [("shift:2", "shift:2"), ("affine", "rotate:10,scale:0.1,shear:10,translate:0.05"),
                                  ("elastic:34:4", "elastic:34:4"), ("shift:2,erase:0.5", "shift:2,erase:0.5")] {
                let augmentation = try Augmentation(parsing: spec)
                let cpuBefore = cpuSeconds()
                let time = medianSeconds(repetitions: 3) {
                    for (index, batch) in batches.enumerated() { _ = augmentation.apply(to: batch, seed: UInt64(index)) }
                }
                let cpu = (cpuSeconds() - cpuBefore) / 4   // one warm-up and three timed repetitions
                report("augmentation \(label), 55,040 images in batches of 128", time, "s/epoch", String(format: "%@; %.3f CPU s/epoch", spec, cpu))
            }
        } catch {
            fatalError("\(error)")
        }
    }

    static func train(_ model: String) {
        var recipe = TrainingRecipe(model: model, data: .dataset(name: "mnist"))
        recipe.batchNorm = true
        recipe.dropout = model == "lenet5" ? 0 : 0.25   // as CNNReport.improvedRecipe on MNIST
        recipe.optimizer = "adamw"
        recipe.weightDecay = 1e-4
        recipe.schedule = .oneCycle(maximumLearningRate: 3e-3)
        recipe.augmentation = Augmentation([.shift(pixels: 2)])
        recipe.labelSmoothing = 0.1
        recipe.batchSize = 128
        recipe.epochs = NeuralNetBenchmark.epochs
        recipe.validationFraction = 5_000.0 / 60_000
        recipe.keepsBestEpoch = true
        recipe.seed = NeuralNetBenchmark.seed
        do {
            let run = TrainingRun(recipe, log: { line in report("\(model) recipe", 0, "", line) }, showsProgress: false)
            let data = try run.prepareData()
            let cpuBefore = cpuSeconds()
            let outcome = try run.train(on: data)
            let cpu = (cpuSeconds() - cpuBefore) / Double(recipe.epochs)
            let seconds = outcome.history.records.map(\.seconds)
            report("\(model) recipe median", seconds.sorted()[seconds.count / 2], "s/epoch",
                   String(format: "%.2f CPU s/epoch (validation included); test accuracy %.2f %% (kept epoch %d of %d)", cpu,
                          (outcome.testAccuracy ?? .nan) * 100, outcome.history.bestEpoch ?? 0, outcome.history.records.count))
        } catch {
            fatalError("\(model): \(error)")
        }
    }
}
