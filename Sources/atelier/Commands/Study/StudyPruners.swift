import ArgumentParser
import Studies

/// The samplers and pruners `atelier study` knows by name.
enum StudyPruners {
    /// `none`, `median`, `percentile` (25th), `halving`, `hyperband`, `patient` (the median pruner
    /// that waits 3 steps without improvement), with Optuna's defaults unless overridden.
    static func make(name: String, startupTrials: Int?, warmupSteps: Int?) throws -> any Pruner {
        switch name {
        case "none": return NopPruner()
        case "median": return try MedianPruner(startupTrials: startupTrials ?? StudySettings.defaultPrunerStartupTrials, warmupSteps: warmupSteps ?? StudySettings.defaultPrunerWarmupSteps)
        case "percentile": return try PercentilePruner(percentile: 25, startupTrials: startupTrials ?? StudySettings.defaultPrunerStartupTrials, warmupSteps: warmupSteps ?? StudySettings.defaultPrunerWarmupSteps)
        case "halving": return try SuccessiveHalvingPruner()
        case "hyperband": return try HyperbandPruner()
        case "patient":
            return try PatientPruner(wrapping: try MedianPruner(startupTrials: startupTrials ?? StudySettings.defaultPrunerStartupTrials, warmupSteps: warmupSteps ?? StudySettings.defaultPrunerWarmupSteps), patience: 3)
        default: throw ValidationError("--pruner must be one of \(StudySettings.pruners.joined(separator: ", ")), got '\(name)'")
        }
    }

    /// The values a grid enumerates for a distribution: every choice, every integer (with its
    /// step), every float step; a continuous float range cannot be enumerated.
    static func gridValues(_ name: String, _ distribution: Distribution) throws -> [ParameterValue] {
        switch distribution {
        case .categorical(let d): return d.choices
        case .int(let d):
            let count = (d.high - d.low) / d.step + 1
            guard count <= 10_000 else { throw StudyError.invalidSpace("grid parameter \"\(name)\" has \(count) values; give a step or a list of choices") }
            return stride(from: d.low, through: d.high, by: d.step).map { .int($0) }
        case .float(let d):
            guard let step = d.step else {
                throw StudyError.invalidSpace("grid parameter \"\(name)\" is a continuous float range; give it a step or a list of choices")
            }
            let count = Int(((d.high - d.low) / step).rounded()) + 1
            guard count <= 10_000 else { throw StudyError.invalidSpace("grid parameter \"\(name)\" has \(count) values") }
            return (0..<count).map { .double(min(d.low + Double($0) * step, d.high)) }
        }
    }
}
