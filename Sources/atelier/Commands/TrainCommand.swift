import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import TensorBoard
import TensorCore

/// `atelier train`: builds a `TrainingRecipe` from the flags and runs it with `TrainingRun`
/// (the same entry point the reports use), writing checkpoint, history and metrics into `--out`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on an image dataset or on a table and write its checkpoint, history and metrics.",
        discussion: """
        Writes the folder OUT: checkpoint.atnn (the model, its running statistics and the recipe as JSON), history.csv (epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,seconds,samplesPerSecond) and metrics.json. The folder is checked before any data is read, and the files are written only when training has finished.

        Data: --dataset mnist, fashion-mnist, cifar10 or cifar100 (3 x 32 x 32 images; the models adapt to the input shape), or --input FILE.csv|FILE.npy with --label-column NAME for an MLP on a table (classification when the label holds at most 100 whole numbers, otherwise regression with MSE; features are standardized).

        The modern recipe: --batch-norm and --dropout P change the model; --optimizer adamw --weight-decay W decouples the decay; --schedule step|multistep|exponential|cosine|onecycle|plateau moves the learning rate (onecycle and cosine per batch); --augment shift:2,rotate:10,... transforms every training batch; --label-smoothing, --clip-norm and --ema regularize; --keep-best keeps the best validation epoch. A --validation-fraction (default 0.1 when --patience, --keep-best or --schedule plateau needs one) is held out, stratified.

        --tensorboard DIR writes a TensorBoard event file into DIR/NAME (NAME: the last part of --out): the scalars loss/train, loss/validation, accuracy/train, accuracy/validation, learningRate and seconds after every epoch, and the recipe's settings as HParams; `tensorboard --logdir DIR` shows the runs side by side.

        Examples:
          atelier train --model lenet5 --dataset mnist --epochs 3 --out runs/lenet5
          atelier train --model shallow --epochs 5 --validation-fraction 0.1 \\
              --tensorboard runs/tensorboard --out runs/shallow
          atelier train --model lenet5 --batch-norm --dropout 0.25 --optimizer adamw \\
              --weight-decay 1e-4 --schedule onecycle --max-lr 3e-3 --augment shift:2 \\
              --label-smoothing 0.1 --batch 128 --epochs 15 --keep-best \\
              --out runs/lenet5-recipe
          atelier train --model cnn3 --dataset cifar10 --augment shift:4,flip \\
              --data-dir datasets/cifar-10-batches-bin --out runs/cifar
          atelier train --model mlp --hidden 64,32 --input table.csv \\
              --label-column label --out runs/table
        """
    )

    @Option(help: "Model name: \(ModelZoo.names.joined(separator: ", ")).")
    var model: String

    @Option(help: "mnist, fashion-mnist, cifar10 or cifar100 (default mnist unless --input).")
    var dataset: String?

    @Option(help: "Folder holding the dataset's files (default: see CONVENTIONS.md, data lookup).")
    var dataDir: String?

    @Option(help: "A table to train on instead of a dataset: FILE.csv (header row) or FILE.npy (2-D).")
    var input: String?

    @Option(help: "The table's target column: a name for CSV (default label), a 0-based index for .npy (default the last).")
    var labelColumn: String?

    @Option(help: "Number of epochs.")
    var epochs = 3

    @Option(help: "Mini-batch size.")
    var batch = 64

    @Option(help: "\(Optimizers.names.joined(separator: ", ")).")
    var optimizer = "adam"

    @Option(help: "Learning rate (the base of a schedule).")
    var lr: Double = 1e-3

    @Option(help: "Weight decay: L2 added to the gradients, decoupled for adamw.")
    var weightDecay: Double = 0

    @Option(help: "Seed of initialisation, splits, shuffles, dropout and augmentation.")
    var seed: UInt64 = 0

    @Option(help: "Hidden sizes, comma-separated (shallow: one, mlp: any; e.g. 977,878).")
    var hidden: String?

    @Option(help: "Latent size of the autoencoder.")
    var latent = 32

    @Flag(help: "BatchNorm after every convolution and hidden layer.")
    var batchNorm = false

    @Option(help: "Dropout probability before the fully connected layers, in [0, 1).")
    var dropout: Double = 0

    @Option(help: "Per-channel standardization as the model's first layer: on or off (default: on for tables, off for images).")
    var standardize: String?

    @Option(help: "Learning-rate schedule: \(LearningRateSchedule.names.joined(separator: ", ")).")
    var schedule = "constant"

    @Option(help: "onecycle: the peak learning rate (default 10 x --lr).")
    var maxLr: Double?

    @Option(help: "cosine: epochs of linear warm-up before the cosine decay.")
    var warmupEpochs = 0

    @Option(help: "cosine: the final learning rate.")
    var minLr: Double = 0

    @Option(help: "step: epochs between reductions.")
    var stepSize = 5

    @Option(help: "step, multistep, exponential, plateau: the factor applied at each reduction.")
    var gamma: Double?

    @Option(help: "multistep: the 0-based epochs at which the rate is reduced, e.g. 5,8.")
    var milestones: String?

    @Option(help: "plateau: epochs without improvement before the rate is reduced.")
    var plateauPatience = 2

    @Option(help: "Augmentation of every training batch, e.g. shift:2,rotate:10,scale:0.1,shear:10,translate:0.1,elastic:34:4,flip,erase:0.5 (images only; no flip for digits).")
    var augment: String?

    @Option(help: "Label smoothing of the cross-entropy, in [0, 1).")
    var labelSmoothing: Double = 0

    @Option(help: "Clip the global gradient norm to this value.")
    var clipNorm: Double?

    @Option(help: "Decay of an exponential moving average of the weights used for evaluation and saving, e.g. 0.999.")
    var ema: Double?

    @Flag(help: "Keep (and save) the weights of the epoch with the best validation accuracy.")
    var keepBest = false

    @Option(help: "Start no new epoch after this many seconds of training (PyTorch Lightning's max_time).")
    var timeLimit: Double?

    @Option(help: "Early stopping: epochs without improvement tolerated.")
    var patience: Int?

    @Option(help: "Early stopping: smallest loss decrease that counts as improvement.")
    var minDelta: Double = 0

    @Option(help: "Fraction of the training data held out for validation (default 0.1 when something needs it, else 0).")
    var validationFraction: Double?

    @Option(help: "Fraction of a table held out for the test (default 0.2; datasets have their own test split).")
    var testFraction: Double = 0.2

    @Option(help: "Use only the first N training and test images.")
    var limit: Int?

    @Option(help: "Output folder (written: checkpoint.atnn, history.csv, metrics.json).")
    var out: String

    @Option(help: "TensorBoard log folder: the run's event file goes into DIR/<last part of --out>.")
    var tensorboard: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func integers(_ text: String?, flag: String, example: String) throws -> [Int]? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(flag) expects whole numbers separated by commas, e.g. \(example); got '\(text)'")
        }
        return parts.map { $0! }
    }

    func learningRateSchedule() throws -> LearningRateSchedule {
        switch schedule.lowercased() {
        case "constant": return .constant
        case "step": return .step(everyEpochs: stepSize, factor: gamma ?? 0.1)
        case "multistep":
            guard let list = try integers(milestones, flag: "--milestones", example: "5,8") else {
                throw ValidationError("--schedule multistep needs --milestones, e.g. --milestones 5,8")
            }
            return .multiStep(milestones: list, factor: gamma ?? 0.1)
        case "exponential": return .exponential(factor: gamma ?? 0.9)
        case "cosine": return .cosine(warmupEpochs: warmupEpochs, minimumLearningRate: minLr)
        case "onecycle": return .oneCycle(maximumLearningRate: maxLr ?? lr * 10)
        case "plateau": return .reduceOnPlateau(factor: gamma ?? 0.1, patience: plateauPatience)
        default: throw ValidationError("unknown schedule '\(schedule)'; expected one of \(LearningRateSchedule.names.joined(separator: ", "))")
        }
    }

    /// The recipe the flags describe. Every flag error is a usage error (exit 64).
    func recipe() throws -> TrainingRecipe {
        if input != nil, dataset != nil { throw ValidationError("--input and --dataset are alternatives: give one") }
        if input == nil, labelColumn != nil { throw ValidationError("--label-column applies to --input tables") }
        let data: TrainingData = input.map { .table(path: $0, labelColumn: labelColumn) }
            ?? .dataset(name: (dataset ?? "mnist").lowercased(), directory: dataDir, limit: limit)
        if input != nil, limit != nil { throw ValidationError("--limit applies to datasets; cut the table instead") }
        var recipe = TrainingRecipe(model: model.lowercased(), data: data)
        recipe.hidden = try integers(hidden, flag: "--hidden", example: "977,878")
        if let hidden = recipe.hidden, hidden.contains(where: { $0 <= 0 }) { throw ValidationError("--hidden sizes must be positive, got '\(self.hidden!)'") }
        recipe.latent = latent
        recipe.batchNorm = batchNorm
        recipe.dropout = dropout
        switch standardize?.lowercased() {
        case nil: break
        case "on": recipe.standardize = true
        case "off": recipe.standardize = false
        default: throw ValidationError("--standardize expects on or off, got '\(standardize!)'")
        }
        recipe.optimizer = optimizer.lowercased()
        recipe.learningRate = lr
        recipe.weightDecay = weightDecay
        recipe.schedule = try learningRateSchedule()
        recipe.batchSize = batch
        recipe.epochs = epochs
        recipe.labelSmoothing = labelSmoothing
        recipe.clipNorm = clipNorm
        recipe.weightAverageDecay = ema
        if let augment {
            do { recipe.augmentation = try Augmentation(parsing: augment) } catch { throw ValidationError("\(error)") }
        }
        if let patience {
            guard patience >= 0, minDelta >= 0 else { throw ValidationError("--patience and --min-delta must be >= 0") }
            recipe.earlyStopping = EarlyStopping(patience: patience, minimumDelta: minDelta, restoreBest: true)
        }
        recipe.keepsBestEpoch = keepBest
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) { throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)") }
        recipe.timeLimit = timeLimit
        let needsValidation = patience != nil || keepBest || recipe.schedule == .reduceOnPlateau(factor: gamma ?? 0.1, patience: plateauPatience)
        recipe.validationFraction = validationFraction ?? (needsValidation ? 0.1 : 0)
        recipe.testFraction = testFraction
        recipe.seed = seed
        do { try recipe.validate() } catch { throw ValidationError("\(error)") }
        return recipe
    }

    func validate() throws { _ = try recipe() }

    /// The folder of this run's event file: DIR/<last part of --out>.
    var tensorboardRun: String? {
        tensorboard.map { ($0 as NSString).appendingPathComponent((out as NSString).standardizingPath.split(separator: "/").last.map(String.init) ?? "run") }
    }

    func run() throws {
        try OutputCheck.folder(out)
        if let tensorboardRun { try OutputCheck.folder(tensorboardRun, flag: "--tensorboard") }
        var run = TrainingRun(try recipe(), log: { Output.note($0) })
        try TrainingRun.prepareOutput(out)
        let data = try run.prepareData()
        let writer = try tensorboardRun.map { try EventWriter(folder: $0) }
        if let writer {
            writer.addHParams(TensorBoardLog.hparams(of: run.recipe))
            run.onEpoch = { try TensorBoardLog.add($0, to: writer) }
        }
        if !json { print(try run.makeModel(for: data)); print("") }
        var outcome: TrainingOutcome
        do {
            outcome = try run.train(on: data)
        } catch {
            writer?.addSessionEnd(.failure)
            try? writer?.close()
            throw error
        }
        outcome.files = try run.write(outcome, to: out)
        if let writer {
            writer.addSessionEnd(.success)
            try writer.close()
            outcome.files.append(writer.path)
        }
        if json {
            try Output.json(outcome.metrics)
            return
        }
        if let accuracy = outcome.testAccuracy {
            print(String(format: "test accuracy %.2f %% (%d samples), test loss %.4f", accuracy * 100, outcome.testSamples, outcome.testLoss))
        } else {
            print(String(format: "test mse %.5f (%d samples)", outcome.testLoss, outcome.testSamples))
        }
        if outcome.history.stoppedByTimeLimit { print("stopped by --time-limit after epoch \(outcome.history.records.count)") }
        if outcome.history.stoppedEarly { print("stopped early after epoch \(outcome.history.records.count); kept epoch \(outcome.history.bestEpoch ?? 0)") }
        else if outcome.recipe.keepsBestEpoch { print("kept epoch \(outcome.history.bestEpoch ?? 0) (best validation accuracy)") }
        print("wrote \(outcome.files.joined(separator: ", "))")
    }
}
