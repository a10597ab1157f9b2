import Foundation
import Studies

/// Builds `FrozenTrial`s from the rows of Optuna's trial tables, whichever database they came
/// from: feed it the `trials` rows, then the rows of each child table, then take `trials`.
public struct TrialAssembler {
    private var byID: [Int64: FrozenTrial] = [:]
    private var order: [Int64] = []
    /// Where the rows come from (the file or URL), for errors.
    public let location: String

    public init(location: String) { self.location = location }

    public var ids: [Int64] { order }
    public var isEmpty: Bool { order.isEmpty }

    /// A `trials` row. Datetimes are the stored naive-UTC text.
    public mutating func addTrial(id: Int64, number: Int?, state: String, start: String?, complete: String?) throws {
        guard let trialState = TrialState(rawValue: state) else {
            throw StudyError.storage("\(location): trial \(id) has unknown state \(state)")
        }
        guard let number else { throw StudyError.storage("\(location): trial \(id) has no number") }
        byID[id] = FrozenTrial(id: id, number: number, state: trialState,
                               start: try start.map { try date($0, id) }, complete: try complete.map { try date($0, id) })
        order.append(id)
    }

    /// A finished trial known already (from a cache): kept as it is.
    public mutating func addKnown(_ trial: FrozenTrial) {
        byID[trial.id] = trial
        order.append(trial.id)
    }

    private func date(_ text: String, _ id: Int64) throws -> Date {
        guard let date = UTCDateTime.parse(text) else {
            throw StudyError.storage("\(location): trial \(id) has a datetime \"\(text)\" that is not YYYY-MM-DD HH:MM:SS[.ffffff]")
        }
        return date
    }

    public mutating func addParam(trialID: Int64, name: String, value: Double?, distributionJSON: String) throws {
        guard byID[trialID] != nil else { return }
        let distribution: Distribution
        do { distribution = try Distribution(optunaJSON: distributionJSON) } catch {
            throw StudyError.storage("\(location): trial \(trialID) parameter \"\(name)\" has a distribution Atelier cannot read: \(distributionJSON) (\(error))")
        }
        guard let value else { throw StudyError.storage("\(location): trial \(trialID) parameter \"\(name)\" is NULL") }
        byID[trialID]!.params[name] = value
        byID[trialID]!.distributions[name] = distribution
    }

    public mutating func addValue(trialID: Int64, objective: Int, value: Double?, type: String) throws {
        guard byID[trialID] != nil else { return }
        let v = try StoredValue.decode(value, type: type, location: "\(location): trial \(trialID) value \(objective)")
        var values = byID[trialID]!.values
        if values.count <= objective { values += Array(repeating: .nan, count: objective + 1 - values.count) }
        values[objective] = v
        byID[trialID]!.values = values
    }

    public mutating func addIntermediate(trialID: Int64, step: Int, value: Double?, type: String) throws {
        guard byID[trialID] != nil else { return }
        byID[trialID]!.intermediateValues[step] = try StoredValue.decode(
            value, type: type, location: "\(location): trial \(trialID) step \(step)")
    }

    public mutating func addAttribute(trialID: Int64, key: String, json: String, system: Bool) throws {
        guard byID[trialID] != nil else { return }
        let value: AttributeValue
        do { value = try AttributeValue(jsonText: json) } catch {
            throw StudyError.storage("\(location): trial \(trialID) attribute \"\(key)\" is not JSON: \(json)")
        }
        if system { byID[trialID]!.systemAttributes[key] = value } else { byID[trialID]!.userAttributes[key] = value }
    }

    /// The trials in the order their rows came.
    public var trials: [FrozenTrial] { order.compactMap { byID[$0] } }
    public func trial(_ id: Int64) -> FrozenTrial? { byID[id] }
}

/// Finished trials never change (Optuna refuses to update them), so a driver reads each one once
/// and afterwards only the rows of trials that are new or still running.
public final class FinishedTrialCache: @unchecked Sendable {
    private let lock = NSLock()
    private var studies: [Int64: [Int64: FrozenTrial]] = [:]
    private var studyOfTrial: [Int64: Int64] = [:]

    public init() {}

    public func trial(_ id: Int64) -> FrozenTrial? {
        lock.lock(); defer { lock.unlock() }
        guard let study = studyOfTrial[id] else { return nil }
        return studies[study]?[id]
    }

    public func trials(studyID: Int64) -> [Int64: FrozenTrial] {
        lock.lock(); defer { lock.unlock() }
        return studies[studyID] ?? [:]
    }

    /// Keeps the finished ones among `trials`.
    public func store(_ trials: [FrozenTrial], studyID: Int64) {
        lock.lock(); defer { lock.unlock() }
        for trial in trials where trial.state.isFinished {
            studies[studyID, default: [:]][trial.id] = trial
            studyOfTrial[trial.id] = studyID
        }
    }

    public func forget(studyID: Int64) {
        lock.lock(); defer { lock.unlock() }
        if let ids = studies[studyID]?.keys { for id in ids { studyOfTrial[id] = nil } }
        studies[studyID] = nil
    }
}

/// The first distribution a study recorded for each parameter name (what Optuna checks new
/// ones against); rows are never rewritten, so once read it holds.
public final class DistributionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [Int64: [String: Distribution]] = [:]

    public init() {}

    public func distribution(studyID: Int64, name: String) -> Distribution? {
        lock.lock(); defer { lock.unlock() }
        return known[studyID]?[name]
    }

    public func remember(_ distribution: Distribution, studyID: Int64, name: String) {
        lock.lock(); defer { lock.unlock() }
        if known[studyID]?[name] == nil { known[studyID, default: [:]][name] = distribution }
    }

    public func forget(studyID: Int64) {
        lock.lock(); defer { lock.unlock() }
        known[studyID] = nil
    }
}
