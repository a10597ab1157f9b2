import Foundation
import TensorCore

/// Every combination of the given values exactly once, as Optuna's `GridSampler`, also when
/// several workers (threads, processes, machines) share the study.
///
/// Optuna picks a random unvisited grid point per trial and can hand one point to two racing
/// workers. Here trial number n runs point `order[n]` of a seeded permutation of the grid: the
/// storage numbers trials 0, 1, 2, … without gaps or repeats across workers, so no point runs
/// twice and none is skipped. Once every point has a trial, `ask` throws
/// `.searchSpaceExhausted` and `optimize` ends (Optuna stops the study).
///
/// A trial taken from the queue (`enqueue`, a retried trial) still uses up the point its number
/// names for the parameters it does not fix; enqueue into a grid study only to repeat points.
public struct GridSampler: Sampler {
    public let space: [String: [ParameterValue]]
    public let seed: UInt64
    /// Parameter names in sorted order (the grid's axes).
    let names: [String]
    /// order[trial number] = grid point index.
    let order: [Int]

    public init(space: [String: [ParameterValue]], seed: UInt64 = 0) throws {
        guard !space.isEmpty else { throw StudyError.invalidSpace("a grid needs at least one parameter") }
        var size = 1
        for (name, values) in space {
            guard !values.isEmpty else { throw StudyError.invalidSpace("grid parameter \"\(name)\" has no values") }
            let (product, overflow) = size.multipliedReportingOverflow(by: values.count)
            guard !overflow, product <= 100_000_000 else { throw StudyError.invalidSpace("the grid has more than 10^8 points") }
            size = product
        }
        self.space = space
        self.seed = seed
        names = space.keys.sorted()
        var generator = RandomGenerator(seed: seed)
        order = generator.permutation(size)
    }

    public var trialLimit: Int? { order.count }

    /// The grid point trial `number` runs, by parameter name.
    public func point(forTrial number: Int) -> [String: ParameterValue]? {
        guard number >= 0 && number < order.count else { return nil }
        var index = order[number]
        var point: [String: ParameterValue] = [:]
        // Mixed radix, the last name varying fastest (itertools.product's order).
        for name in names.reversed() {
            let values = space[name]!
            point[name] = values[index % values.count]
            index /= values.count
        }
        return point
    }

    public func sampleIndependent(_ context: SamplingContext, name: String, distribution: Distribution) throws -> Double {
        guard space[name] != nil else {
            throw StudyError.invalidSpace("parameter \"\(name)\" is not in the grid (\(names.joined(separator: ", ")))")
        }
        guard let value = point(forTrial: context.trial.number)?[name] else {
            throw StudyError.searchSpaceExhausted("trial \(context.trial.number) is past the grid's \(order.count) points")
        }
        return try distribution.toInternal(value)
    }
}
