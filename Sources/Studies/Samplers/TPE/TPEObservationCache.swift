import Foundation

/// What TPE remembers between proposals: a finished trial never changes, so its internal values
/// for a search space are read from its parameter dictionary once, and the intersection search
/// space only needs the trials that finished since the last look (Optuna caches both the same way:
/// `IntersectionSearchSpace` keeps a trial-number watermark, the study a trial cache).
///
/// Shared by the copies of one `TPESampler` value (it is a reference), keyed by storage, study
/// and space, and locked, so threads sampling for one study share what they learned.
final class TPEObservationCache: @unchecked Sendable {
    struct SpaceKey: Hashable {
        var storage: ObjectIdentifier
        var study: Int64
        var names: [String]
        var distributions: [Distribution]
    }

    struct StudyKey: Hashable {
        var storage: ObjectIdentifier
        var study: Int64
    }

    private let lock = NSLock()
    /// rows[key][trial number]: nil = not read yet; values [] = the trial lacks a parameter of the
    /// space. The trial id is kept to notice a study deleted and recreated under a reused id.
    private var rows: [SpaceKey: [(trialID: Int64, values: [Double])?]] = [:]
    private var intersections: [StudyKey: (space: [String: Distribution]?, watermark: Int, lastID: Int64)] = [:]

    /// The internal values of each finished trial for `key`'s names, read once per trial; `body`
    /// gets a reader to call for each trial it needs.
    func withRows<T>(key: SpaceKey, _ body: ((FrozenTrial) -> [Double]) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        if rows.count > 64 && rows[key] == nil { rows.removeAll() }
        var table = rows.removeValue(forKey: key) ?? []   // uniquely referenced while it grows
        defer { rows[key] = table }
        return try body { trial in
            if table.count <= trial.number {
                table.append(contentsOf: repeatElement(nil, count: trial.number + 1 - table.count))
            }
            if let known = table[trial.number], known.trialID == trial.id { return known.values }
            var values: [Double] = []
            values.reserveCapacity(key.names.count)
            for name in key.names {
                guard let value = trial.params[name] else { values = []; break }
                values.append(value)
            }
            table[trial.number] = (trial.id, values)
            return values
        }
    }

    /// Optuna's `IntersectionSearchSpace(include_pruned=True).calculate`, resumed from the first
    /// trial that was not finished at the last call.
    func intersection(of trials: [FrozenTrial], key: StudyKey) -> [String: Distribution] {
        lock.lock()
        defer { lock.unlock() }
        var (space, watermark, lastID) = intersections[key] ?? (nil, 0, -1)
        if watermark > trials.count || (watermark > 0 && trials[watermark - 1].id != lastID) {
            (space, watermark) = (nil, 0)   // another study reused the key
        }
        var advancing = true
        for index in watermark..<trials.count {
            let state = trials[index].state
            if state == .running || state == .waiting {
                advancing = false
                continue
            }
            if advancing { watermark = index + 1 }
            if space?.isEmpty == true { continue }
            space = IntersectionSearchSpace.narrowed(space, by: trials[index])
        }
        intersections[key] = (space, watermark, watermark > 0 ? trials[watermark - 1].id : -1)
        return (space ?? [:]).filter { !$0.value.isSingle }
    }
}
