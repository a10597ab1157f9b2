/// How the learning rate moves during training, as a value stored with the recipe.
///
/// Each case follows the PyTorch scheduler named beside it, stepped as PyTorch users step it:
/// per epoch for `step`, `multiStep`, `exponential` and `reduceOnPlateau`; per batch (optimizer
/// step) for `cosine` and `oneCycle`, whose shape would otherwise be coarse over a few epochs.
/// Factors multiply the base learning rate (the optimizer's).
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    /// The base rate throughout.
    case constant
    /// `StepLR`: multiplied by `factor` every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Double)
    /// `MultiStepLR`: multiplied by `factor` at each milestone epoch (0-based epoch counts, as
    /// PyTorch: milestone 5 means from the sixth epoch on).
    case multiStep(milestones: [Int], factor: Double)
    /// `ExponentialLR`: multiplied by `factor` after every epoch.
    case exponential(factor: Double)
    /// Linear warm-up over `warmupEpochs` then cosine annealing to `minimumLearningRate` per
    /// batch: PyTorch's `SequentialLR(LinearLR(start_factor=1/W, total_iters=W-1),
    /// CosineAnnealingLR(T_max=T-W, eta_min), milestones=[W])` with W, T in batches.
    case cosine(warmupEpochs: Int, minimumLearningRate: Double)
    /// `OneCycleLR` (Smith 2018) with PyTorch's defaults: from `maximum/25` up to `maximum` over
    /// the first 30 % of the batches and down to `maximum/25/1e4` by cosine annealing; β₁ of
    /// Adam-family optimizers moves the other way between 0.95 and 0.85 (`cycle_momentum`).
    case oneCycle(maximumLearningRate: Double, warmupFraction: Double, initialDivisor: Double, finalDivisor: Double)
    /// `ReduceLROnPlateau` (mode min, relative threshold): multiplied by `factor` when the
    /// monitored loss (validation, else training) has not improved by more than the relative
    /// `threshold` for more than `patience` epochs.
    case reduceOnPlateau(factor: Double, patience: Int, threshold: Double, minimumLearningRate: Double)

    /// One-cycle with PyTorch's defaults (pct_start 0.3, div_factor 25, final_div_factor 1e4).
    public static func oneCycle(maximumLearningRate: Double) -> LearningRateSchedule {
        .oneCycle(maximumLearningRate: maximumLearningRate, warmupFraction: 0.3, initialDivisor: 25, finalDivisor: 1e4)
    }

    /// Reduce-on-plateau with PyTorch's defaults but the given factor and patience.
    public static func reduceOnPlateau(factor: Double = 0.1, patience: Int = 10) -> LearningRateSchedule {
        .reduceOnPlateau(factor: factor, patience: patience, threshold: 1e-4, minimumLearningRate: 0)
    }

    /// The command-line names.
    public static let names = ["constant", "step", "multistep", "exponential", "cosine", "onecycle", "plateau"]

    /// True when the rate changes after every batch rather than every epoch.
    public var stepsPerBatch: Bool {
        switch self {
        case .cosine, .oneCycle: return true
        default: return false
        }
    }

    /// Short text for reports and `print`, e.g. "onecycle(max 0.003)".
    public var summary: String {
        switch self {
        case .constant: return "constant"
        case let .step(every, factor): return "step(every \(every) epochs, x\(factor))"
        case let .multiStep(milestones, factor): return "multistep(at \(milestones.map(String.init).joined(separator: ",")), x\(factor))"
        case let .exponential(factor): return "exponential(x\(factor) per epoch)"
        case let .cosine(warmup, minimum): return "cosine(warm-up \(warmup) epochs, to \(minimum))"
        case let .oneCycle(maximum, _, _, _): return "onecycle(max \(maximum))"
        case let .reduceOnPlateau(factor, patience, _, _): return "plateau(x\(factor) after \(patience) epochs)"
        }
    }

    /// Checks the schedule against a run of `epochs` epochs.
    /// - Throws: `NeuralNetError.invalidArgument` naming the value out of range, or a schedule
    ///   that ends before training does (a warm-up as long as the run, a milestone after it).
    public func validate(epochs: Int) throws {
        func fail(_ message: String) -> NeuralNetError { .invalidArgument("schedule \(summary): \(message)") }
        switch self {
        case .constant: break
        case let .step(every, factor):
            guard every > 0 else { throw fail("the step size must be at least 1 epoch, got \(every)") }
            guard factor > 0, factor.isFinite else { throw fail("the factor must be positive, got \(factor)") }
        case let .multiStep(milestones, factor):
            guard !milestones.isEmpty, milestones == milestones.sorted(), milestones.allSatisfy({ $0 > 0 }) else {
                throw fail("milestones must be increasing positive epoch numbers, got \(milestones)")
            }
            guard let last = milestones.last, last < epochs else { throw fail("milestone \(milestones.last ?? 0) is not before the end of the \(epochs)-epoch run") }
            guard factor > 0, factor.isFinite else { throw fail("the factor must be positive, got \(factor)") }
        case let .exponential(factor):
            guard factor > 0, factor <= 1 else { throw fail("the factor must be in (0, 1], got \(factor)") }
        case let .cosine(warmup, minimum):
            guard warmup >= 0 else { throw fail("warm-up epochs must be >= 0, got \(warmup)") }
            guard warmup < epochs else { throw fail("the warm-up (\(warmup) epochs) leaves no epoch of the \(epochs)-epoch run for the cosine decay") }
            guard minimum >= 0, minimum.isFinite else { throw fail("the minimum learning rate must be >= 0, got \(minimum)") }
        case let .oneCycle(maximum, fraction, initial, final):
            guard maximum > 0, maximum.isFinite else { throw fail("--max-lr must be positive, got \(maximum)") }
            guard fraction > 0, fraction < 1 else { throw fail("the warm-up fraction must be in (0, 1), got \(fraction)") }
            guard initial > 0, final > 0 else { throw fail("the divisors must be positive") }
        case let .reduceOnPlateau(factor, patience, threshold, minimum):
            guard factor > 0, factor < 1 else { throw fail("the factor must be in (0, 1), got \(factor)") }
            guard patience >= 0, threshold >= 0, minimum >= 0 else { throw fail("patience, threshold and minimum must be >= 0") }
        }
    }
}
