import Foundation

/// One evaluation of the objective, as the objective sees it (`optuna.Trial`): it proposes
/// parameter values, takes intermediate values and answers whether to prune.
///
/// Each `suggest…` records the parameter in the storage at once, so a killed worker leaves what it
/// had suggested. Asking again for a name returns the value already chosen, so dependent
/// parameters read naturally:
///
/// ```swift
/// let layers = try trial.suggestInt("layers", in: 1...3)
/// let widths = try (0..<layers).map { try trial.suggestInt("units_\($0)", in: 16...512, log: true) }
/// ```
///
/// A trial belongs to the thread that asked for it; it is not meant to be shared.
public final class Trial: @unchecked Sendable {
    /// The system attribute Optuna's `enqueue_trial` writes: `{name: value}` fixed for a trial.
    static let fixedParamsKey = "fixed_params"

    public let study: Study
    /// The storage's trial id.
    public let id: Int64
    /// 0, 1, 2, … within the study.
    public let number: Int

    private let lock = NSLock()
    /// What this trial knows of itself (params, distributions, intermediate values, attributes):
    /// kept here as it is written, so suggestions and pruning read no storage.
    private var frozen: FrozenTrial
    private let fixedParams: [String: ParameterValue]
    private var relativeSpace: [String: Distribution]?
    private var relativeParams: [String: Double] = [:]

    init(study: Study, frozen: FrozenTrial) throws {
        self.study = study
        id = frozen.id
        number = frozen.number
        self.frozen = frozen
        var fixed: [String: ParameterValue] = [:]
        if case .object(let values)? = frozen.systemAttributes[Self.fixedParamsKey] {
            for (name, value) in values {
                switch value {
                case .number(let x): fixed[name] = x.rounded() == x && abs(x) < 9e15 ? .int(Int(x)) : .double(x)
                case .string(let x): fixed[name] = .string(x)
                case .bool(let x): fixed[name] = .bool(x)
                case .null: fixed[name] = .null
                case .array, .object:
                    throw StudyError.invalidValue("trial \(frozen.number): fixed parameter \"\(name)\" is not a single value")
                }
            }
        }
        fixedParams = fixed
    }

    /// The trial as it stands (params, intermediate values, attributes as this trial wrote them).
    public var snapshot: FrozenTrial { lock.withLock { frozen } }

    /// The parameters suggested so far, as the objective saw them.
    public var params: [String: ParameterValue] { snapshot.externalParams }

    // MARK: Suggestions

    /// A float in `range`, on a log scale or on a grid of `step` (`suggest_float`).
    public func suggestFloat(_ name: String, in range: ClosedRange<Double>, log: Bool = false, step: Double? = nil) throws -> Double {
        let distribution = Distribution.float(try FloatDistribution(low: range.lowerBound, high: range.upperBound, log: log, step: step))
        return try suggestInternal(name, distribution)
    }

    /// An integer in `range`, on a log scale or every `step` (`suggest_int`).
    public func suggestInt(_ name: String, in range: ClosedRange<Int>, log: Bool = false, step: Int = 1) throws -> Int {
        let distribution = Distribution.int(try IntDistribution(low: range.lowerBound, high: range.upperBound, log: log, step: step))
        return Int(try suggestInternal(name, distribution).rounded())
    }

    /// One of `choices` (`suggest_categorical`).
    public func suggestCategorical(_ name: String, _ choices: [ParameterValue]) throws -> ParameterValue {
        try suggest(name, distribution: .categorical(try CategoricalDistribution(choices)))
    }

    /// One of the string `choices`.
    public func suggestCategorical(_ name: String, _ choices: [String]) throws -> String {
        let value = try suggestCategorical(name, choices.map(ParameterValue.string))
        return value.stringValue ?? value.description
    }

    /// A value of any distribution, in its external form.
    public func suggest(_ name: String, distribution: Distribution) throws -> ParameterValue {
        distribution.toExternal(try suggestInternal(name, distribution))
    }

    /// Optuna's `Trial._suggest`, in its order: a value already chosen, a fixed (enqueued) value,
    /// the only value of a one-point distribution, the sampler's joint (relative) proposal, and
    /// last the sampler's proposal for this parameter alone.
    private func suggestInternal(_ name: String, _ distribution: Distribution) throws -> Double {
        lock.lock()
        defer { lock.unlock() }
        if let earlier = frozen.distributions[name], let value = frozen.params[name] {
            guard InMemoryStorage.compatible(earlier, distribution) else {
                throw StudyError.incompatibleDistribution("\"\(name)\" was suggested as \(earlier), now as \(distribution)")
            }
            return value
        }
        let value: Double
        if let fixed = fixedParams[name] {
            value = try distribution.toInternal(fixed)
        } else if distribution.isSingle {
            value = Self.singleValue(distribution)
        } else if let relative = try relativeValue(name, distribution) {
            value = relative
        } else {
            value = try study.sampler.sampleIndependent(context, name: name, distribution: distribution)
        }
        try study.storage.setTrialParameter(trialID: id, name: name, internalValue: value, distribution: distribution)
        frozen.params[name] = value
        frozen.distributions[name] = distribution
        return value
    }

    private let trialsSnapshot = TrialsSnapshot()
    private var context: SamplingContext { SamplingContext(study: study, trial: frozen, snapshot: trialsSnapshot) }

    /// The joint proposal for `name`, computed on the first suggestion that needs it (Optuna's
    /// lazy `relative_params`) and used only when the distribution matches the one inferred.
    private func relativeValue(_ name: String, _ distribution: Distribution) throws -> Double? {
        if relativeSpace == nil {
            let space = try study.sampler.relativeSearchSpace(context)
            relativeSpace = space
            relativeParams = space.isEmpty ? [:] : try study.sampler.sampleRelative(context, in: space)
        }
        guard let value = relativeParams[name], let inferred = relativeSpace?[name],
              InMemoryStorage.compatible(inferred, distribution), distribution.contains(value) else { return nil }
        return value
    }

    static func singleValue(_ distribution: Distribution) -> Double {
        switch distribution {
        case .float(let d): d.low
        case .int(let d): Double(d.low)
        case .categorical: 0
        }
    }

    // MARK: Intermediate values and pruning

    /// Records the learning-curve value at `step` (`report`). A step reported twice keeps its
    /// first value, as Optuna does (it warns and ignores the second).
    public func report(_ value: Double, step: Int) throws {
        guard step >= 0 else { throw StudyError.invalidValue("step must be non-negative, got \(step)") }
        lock.lock()
        defer { lock.unlock() }
        guard frozen.intermediateValues[step] == nil else { return }
        try study.storage.setTrialIntermediateValue(trialID: id, step: step, value: value)
        frozen.intermediateValues[step] = value
    }

    /// Whether the study's pruner would stop this trial now (`should_prune`).
    public var shouldPrune: Bool {
        get throws {
            if study.pruner is NopPruner { return false }   // no database read per epoch for nothing
            // The stored trial, as Optuna reads it: pruners keep state in its system attributes
            // (successive halving's `completed_rung_N`).
            let current = try study.storage.trial(id: id)
            lock.withLock { frozen.systemAttributes = current.systemAttributes }
            return try study.pruner.shouldPrune(PruningContext(study: study, trial: current))
        }
    }

    /// Throws `StudyError.pruned` when the trial should stop; `optimize` then marks it PRUNED with
    /// its last intermediate value (Optuna's `raise optuna.TrialPruned()` idiom).
    public func pruneIfNeeded() throws {
        if try shouldPrune { throw StudyError.pruned(step: snapshot.lastStep ?? 0) }
    }

    // MARK: Attributes

    public var userAttributes: [String: AttributeValue] { snapshot.userAttributes }

    public func setUserAttribute(_ key: String, _ value: AttributeValue) throws {
        try study.storage.setTrialUserAttribute(trialID: id, key: key, value: value)
        lock.withLock { frozen.userAttributes[key] = value }
    }

    /// Internal bookkeeping of samplers and pruners (Optuna's `system_attrs`).
    public func setSystemAttribute(_ key: String, _ value: AttributeValue) throws {
        try study.storage.setTrialSystemAttribute(trialID: id, key: key, value: value)
        lock.withLock { frozen.systemAttributes[key] = value }
    }
}
