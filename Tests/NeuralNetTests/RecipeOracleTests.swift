import Foundation
import NeuralNet
import TensorCore
import Testing

/// The recipe's layers, losses, optimizer and schedules against PyTorch 2.15 (float64) on the
/// same inputs: the numbers below are printed by `Benchmarks/python/torch_recipe_oracle.py`.
/// Inputs are closed forms of the index (cos/sin), rebuilt here exactly; the projection R that
/// makes a scalar `Σ y·R` for the backward pass is `sin(0.11 i + 0.3)`. Float32 against float64:
/// tolerances 1e-5 absolute on values of order 1 (2e-5 for BatchNorm, whose batch statistics
/// add a few roundings).
@Suite("Oracle: PyTorch on the recipe's pieces")
struct RecipeOracleTests {
    static func ramp(_ count: Int, _ a: Double, _ b: Double = 0, scale: Double = 1) -> [Float] {
        (0..<count).map { Float(cos(a * Double($0) + b) * scale) }
    }

    static func projection(_ count: Int) -> [Float] { (0..<count).map { Float(sin(0.11 * Double($0) + 0.3)) } }

    /// Forward and backward of `layer`; returns (output, input gradient).
    static func run(_ layer: any Layer, _ input: Tensor, training: Bool) -> (output: [Float], inputGradient: [Float]) {
        let output = layer.forward(input, training: training)
        let gradient = layer.backward(Tensor(shape: output.shape, elements: projection(output.count)))
        return (output.elements, gradient.elements)
    }

    static func expectClose(_ ours: [Float], _ theirs: [Double], tolerance: Double = 1e-5, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (i, value) in theirs.enumerated() {
            #expect(abs(Double(ours[i]) - value) < tolerance, "\(what)[\(i)]: \(ours[i]) vs PyTorch \(value)", sourceLocation: sourceLocation)
        }
    }

    @Test func batchNorm2DTrainingThenEvaluation() {
        let norm = BatchNorm2D(3)
        norm.weight.value.elements = [1.0, 1.1, 1.2]
        norm.bias.value.elements = [0.0, 0.05, 0.1]
        let ramp = Self.ramp(54, 0.37, scale: 1.5)
        let x = Tensor(shape: [2, 3, 3, 3], elements: (0..<54).map { ramp[$0] + 0.1 * Float($0 % 5) })
        let train = Self.run(norm, x, training: true)
        Self.expectClose(train.output, [1.01414825, 1.01270266, 0.82992961, 0.50353251, 0.09065361, -0.81885461], tolerance: 2e-5, "train output")
        Self.expectClose(train.inputGradient, [0.5215335, 0.61986277, 0.65976266, 0.65128463, 0.61031867, 0.41415721], tolerance: 2e-5, "train dx")
        Self.expectClose(norm.weight.gradient.elements, [-5.57621302, 4.76540502, 0.11909752], tolerance: 5e-5, "train dγ")
        Self.expectClose(norm.bias.gradient.elements, [1.1751937, -0.10861605, -1.29438675], tolerance: 5e-5, "train dβ")
        Self.expectClose(norm.runningMean.value.elements, [0.04413784, -0.00280269, 0.04008527], "running mean")
        Self.expectClose(norm.runningVariance.value.elements, [1.01537141, 1.0147609, 1.02523962], "running variance (unbiased, momentum 0.1)")
        let eval = Self.run(norm, x * 0.5, training: false)
        Self.expectClose(eval.output, [0.70049541, 0.69974666, 0.60507786, 0.43601781, 0.2221638, -0.24892343], tolerance: 2e-5, "eval output")
        Self.expectClose(eval.inputGradient, [0.29327333, 0.39557866, 0.4931023, 0.58466543, 0.66916123, 0.74556834], tolerance: 2e-5, "eval dx")
        Self.expectClose(norm.weight.gradient.elements, [-2.68234068, 2.46369043, -0.14101025], tolerance: 5e-5, "eval dγ")
    }

    @Test func batchNorm1DTrainingThenEvaluation() {
        let norm = BatchNorm1D(3)
        norm.weight.value.elements = [0.9, 1.0, 1.3]
        norm.bias.value.elements = [0.2, -0.1, 0.0]
        let x = Tensor(shape: [4, 3], elements: Self.ramp(12, 0.9, 0.2, scale: 2))
        let train = Self.run(norm, x, training: true)
        Self.expectClose(train.output, [1.1842305, 0.55334866, -0.63920642, -0.96914749, -0.9594505, 0.51549546], tolerance: 2e-5, "train output")
        Self.expectClose(train.inputGradient, [-0.14961159, -0.1784034, -0.41488186, -0.10776613, -0.0695896, -0.06585581], tolerance: 2e-5, "train dx")
        Self.expectClose(norm.weight.gradient.elements, [-0.36411308, -0.25552276, 0.04645757], tolerance: 2e-5, "train dγ")
        Self.expectClose(norm.runningVariance.value.elements, [1.25462319, 1.26096818, 1.01020038], "running variance")
        let eval = Self.run(norm, x, training: false)
        Self.expectClose(eval.output, [1.76076695, 0.72282179, -1.02666759, -1.37451713, -1.49380912, 0.01778507], tolerance: 2e-5, "eval output")
        Self.expectClose(eval.inputGradient, [0.23744953, 0.35497165, 0.64267155, 0.4733759, 0.60047038, 0.97171633], tolerance: 2e-5, "eval dx")
    }

    @Test func poolingAndActivations() {
        let pooled = Tensor(shape: [2, 2, 5, 5], elements: Self.ramp(100, 0.53))
        let cases: [(any Layer, Tensor, [Double], [Double])] = [
            (AvgPool2D(2), pooled, [-0.00450941, -0.20702617, 0.19290941, -0.02251382, -0.15179297, -0.23051795], [0.07388005, 0.07388005, 0.09965233, 0.09965233, 0.0, 0.07388005]),
            (AvgPool2D(3, stride: 2), pooled, [0.23095085, 0.10516364, 0.13541924, 0.2295888, 0.17344756, -0.04845987], [0.03283558, 0.03283558, 0.0771255, 0.04428993, 0.04428993, 0.03283558]),
            (GlobalAvgPool2D(), pooled, [0.05104194, 0.03709079, 0.00646996, -0.02705866], [0.01182081, 0.01182081, 0.01182081, 0.01182081, 0.01182081, 0.01182081]),
            (LeakyReLU(slope: 0.1), Tensor(shape: [2, 6], elements: Self.ramp(12, 0.8, scale: 3)), [3.0, 2.09012013, -0.00875986, -0.22121811, -0.29948843, -0.19609309], [0.29552021, 0.39860933, 0.04968801, 0.05891448, 0.06742879, 0.07512804]),
            (GELU(), Tensor(shape: [2, 6], elements: Self.ramp(12, 0.8, scale: 3)), [2.99595031, 2.0518636, -0.04074191, -0.02981373, -0.00411121, -0.04891257], [0.29905039, 0.42872434, 0.21380003, -0.03706802, -0.00816241, -0.06719915]),
        ]
        for (layer, input, output, inputGradient) in cases {
            let ours = Self.run(layer, input, training: true)
            Self.expectClose(ours.output, output, "\(layer) output")
            Self.expectClose(ours.inputGradient, inputGradient, "\(layer) dx")
        }
    }

    @Test func labelSmoothedCrossEntropy() {
        let logits = Tensor(shape: [3, 4], elements: Self.ramp(12, 0.45, scale: 2))
        let target = Tensor(classIndices: [1, 3, 0])
        let plain = CrossEntropy(labelSmoothing: 0.1).evaluate(logits, target)
        #expect(abs(plain.value - 1.9937357379) < 1e-5, "loss \(plain.value)")
        Self.expectClose(plain.gradient.elements, [0.12508769, -0.19899972, 0.05426444, 0.01964759, 0.16528419, 0.06952661, 0.0365073, -0.2713181, -0.28791345, 0.02754097, 0.07218094, 0.18819153], "gradient")
        let weighted = CrossEntropy(classWeights: [1, 2, 0.5, 1.5], labelSmoothing: 0.1).evaluate(logits, target)
        #expect(abs(weighted.value - 1.7988330399) < 1e-5, "weighted loss \(weighted.value)")
        Self.expectClose(weighted.gradient.elements, [0.16566809, -0.27079964, 0.07755603, 0.02757552, 0.16516834, 0.06545117, 0.04131551, -0.27193502, -0.19160197, 0.013403, 0.05224031, 0.12595866], "weighted gradient")
    }

    @Test func adamWDecouplesTheWeightDecay() {
        let parameter = Parameter(name: "p", value: Tensor(shape: [5], elements: Self.ramp(5, 0.7, scale: 0.5)))
        let optimizer = AdamW(learningRate: 0.01, weightDecay: 0.1)
        for _ in 0..<3 {
            parameter.gradient = Tensor(shape: [5], elements: (0..<5).map { 2 * parameter.value.elements[$0] + Float(sin(Double($0))) })
            optimizer.step([parameter])
        }
        Self.expectClose(parameter.value.elements, [0.468553991, 0.3513182255, 0.0547786427, -0.221769048, -0.4397418401], tolerance: 2e-6, "values after three steps")
    }

    /// The learning rate of every step, for `steps` epochs of one batch (per-epoch schedules)
    /// or one epoch of `steps` batches (per-batch schedules), as the PyTorch script steps them.
    static func rates(_ schedule: LearningRateSchedule, steps: Int, losses: [Double] = []) throws -> (rates: [Double], beta1: [Double]) {
        let perBatch = schedule.stepsPerBatch
        var scheduler = try LearningRateScheduler(schedule, baseLearningRate: 0.1, epochs: perBatch ? 1 : steps, batchesPerEpoch: perBatch ? steps : 1)
        var (rates, betas) = ([Double](), [Double]())
        for step in 0..<steps {
            let (epoch, batch) = perBatch ? (0, step) : (step, 0)
            rates.append(scheduler.learningRate(epoch: epoch, batch: batch))
            betas.append(scheduler.momentum(epoch: epoch, batch: batch) ?? 0.9)
            if !losses.isEmpty { scheduler.endEpoch(monitoredLoss: losses[step]) }
        }
        return (rates, betas)
    }

    static func expectSequence(_ ours: [Double], _ theirs: [Double], _ what: String, relative: Double = 1e-9,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.count == theirs.count)
        for (i, (a, b)) in zip(ours, theirs).enumerated() {
            #expect(abs(a - b) <= relative * max(abs(b), 1e-12) + 1e-12, "\(what) step \(i): \(a) vs PyTorch \(b)", sourceLocation: sourceLocation)
        }
    }

    @Test func scheduleSequencesMatchPyTorch() throws {
        Self.expectSequence(try Self.rates(.step(everyEpochs: 3, factor: 0.5), steps: 10).rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], "StepLR")
        Self.expectSequence(try Self.rates(.multiStep(milestones: [2, 5], factor: 0.1), steps: 8).rates, [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001], "MultiStepLR")
        Self.expectSequence(try Self.rates(.exponential(factor: 0.9), steps: 6).rates, [0.1, 0.09, 0.081, 0.0729, 0.06561, 0.059049], "ExponentialLR")
        // W = 4 batches of warm-up in a 12-batch run: one epoch of 12 batches, warm-up 1/3 epoch
        // is not expressible in whole epochs, so 3 epochs of 4 batches with 1 warm-up epoch.
        var cosine = try LearningRateScheduler(.cosine(warmupEpochs: 1, minimumLearningRate: 0.001), baseLearningRate: 0.1, epochs: 3, batchesPerEpoch: 4)
        Self.expectSequence((0..<12).map { cosine.learningRate(epoch: $0 / 4, batch: $0 % 4) }, [0.025, 0.05, 0.075, 0.1, 0.1, 0.0962320369, 0.0855017857, 0.0694428299, 0.0505, 0.0315571701, 0.0154982143, 0.0047679631], "LinearLR + CosineAnnealingLR", relative: 1e-8)
        cosine.endEpoch(monitoredLoss: 1)
        var oneCycle = try LearningRateScheduler(.oneCycle(maximumLearningRate: 3e-3), baseLearningRate: 0.1, epochs: 4, batchesPerEpoch: 5)
        Self.expectSequence((0..<20).map { oneCycle.learningRate(epoch: $0 / 5, batch: $0 % 5) }, [0.00012, 0.000395015528, 0.001115015528, 0.002004984472, 0.002724984472, 0.003, 0.002962392019, 0.002851453896, 0.002672748533, 0.002435236962, 0.002150829005, 0.001833786066, 0.001500006, 0.001166225934, 0.000849182995, 0.000564775038, 0.000327263467, 0.000148558104, 3.7619981e-05, 1.2e-08], "OneCycleLR", relative: 1e-7)
        Self.expectSequence((0..<20).map { oneCycle.momentum(epoch: $0 / 5, batch: $0 % 5)! }, [0.95, 0.9404508497, 0.9154508497, 0.8845491503, 0.8595491503, 0.85, 0.8512536044, 0.8549515566, 0.8609084259, 0.8688255099, 0.878305813, 0.8888739533, 0.9, 0.9111260467, 0.921694187, 0.9311744901, 0.9390915741, 0.9450484434, 0.9487463956, 0.95], "OneCycleLR β₁", relative: 1e-8)
        oneCycle.endEpoch(monitoredLoss: 1)
        let losses = [1.0, 0.9, 0.95, 0.93, 0.91, 0.92, 0.5, 0.6, 0.7, 0.8]
        Self.expectSequence(try Self.rates(.reduceOnPlateau(factor: 0.5, patience: 1), steps: 10, losses: losses).rates, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], "ReduceLROnPlateau")
    }
}
