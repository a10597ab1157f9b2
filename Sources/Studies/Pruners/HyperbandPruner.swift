import Foundation

/// Hyperband (Li et al. 2018) over asynchronous successive halving, as Optuna's
/// `HyperbandPruner`: several brackets, bracket b a `SuccessiveHalvingPruner` with
/// `minEarlyStoppingRate` b, each trial assigned to one bracket for good.
///
/// Everything is reproduced so that Atelier and Optuna workers on one study agree: `maxResource`
/// nil is "auto" (the largest last step of a completed trial + 1, fixed once known); there are
/// ⌊log_factor(max / min)⌋ + 1 brackets; bracket b gets a budget of
/// ⌈brackets × factor^s / (s + 1)⌉ with s = brackets − 1 − b; and a trial's bracket is
/// CRC-32("<study name>_<trial number>") modulo the total budget, walked through the budgets.
/// Pruners and samplers see only the trial's own bracket (Optuna's `_BracketStudy`).
public struct HyperbandPruner: Pruner {
    public let minResource: Int
    public let reductionFactor: Int
    public let bootstrapCount: Int
    private let layout: BracketLayout

    public init(minResource: Int = 1, maxResource: Int? = nil, reductionFactor: Int = 3, bootstrapCount: Int = 0) throws {
        guard minResource >= 1 else { throw StudyError.invalidValue("minResource must be at least 1, got \(minResource)") }
        guard reductionFactor >= 2 else { throw StudyError.invalidValue("reductionFactor must be at least 2, got \(reductionFactor)") }
        if let maxResource, maxResource < minResource {
            throw StudyError.invalidValue("maxResource must be at least minResource, got \(maxResource) < \(minResource)")
        }
        if bootstrapCount > 0 && maxResource == nil {
            throw StudyError.invalidValue("bootstrapCount > 0 needs a fixed maxResource, as in Optuna")
        }
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.bootstrapCount = bootstrapCount
        layout = BracketLayout(maxResource: maxResource)
    }

    /// The bracket budgets, once the maximum resource is known.
    func budgets(_ trials: () throws -> [FrozenTrial]) rethrows -> [Int]? {
        if let known = layout.budgets { return known }
        var maximum = layout.maxResource
        if maximum == nil {
            let steps = try trials().filter { $0.state == .complete }.compactMap(\.lastStep)
            guard let last = steps.max() else { return nil }
            maximum = last + 1
        }
        // Optuna: floor(log(max / min, factor)) + 1, in floating point as Python computes it.
        let count = Int((log(Double(maximum!) / Double(minResource)) / log(Double(reductionFactor))).rounded(.down)) + 1
        let budgets = (0..<count).map { bracket -> Int in
            let s = count - 1 - bracket
            return Int((Double(count) * pow(Double(reductionFactor), Double(s)) / Double(s + 1)).rounded(.up))
        }
        return layout.fix(budgets)
    }

    /// The bracket of trial `number` in the study called `studyName` (0 before the layout is known).
    static func bracket(studyName: String, number: Int, budgets: [Int]?) -> Int {
        guard let budgets else { return 0 }
        var n = Int(CRC32.checksum(Array("\(studyName)_\(number)".utf8)) % UInt32(budgets.reduce(0, +)))
        for (bracket, budget) in budgets.enumerated() {
            n -= budget
            if n < 0 { return bracket }
        }
        return budgets.count - 1
    }

    public func shouldPrune(_ context: PruningContext) throws -> Bool {
        let all = try context.trials()
        guard let budgets = budgets({ all }) else { return false }
        let bracket = Self.bracket(studyName: context.study.name, number: context.trial.number, budgets: budgets)
        let halving = try SuccessiveHalvingPruner(minResource: minResource, reductionFactor: reductionFactor,
                                                  minEarlyStoppingRate: bracket, bootstrapCount: bootstrapCount)
        let inBracket = all.filter { Self.bracket(studyName: context.study.name, number: $0.number, budgets: budgets) == bracket }
        return try halving.shouldPrune(context, trials: { inBracket })
    }

    public func trialsForSampler(_ trials: [FrozenTrial], trial: FrozenTrial, study: Study) -> [FrozenTrial] {
        guard let budgets = layout.budgets else { return trials }
        let bracket = Self.bracket(studyName: study.name, number: trial.number, budgets: budgets)
        return trials.filter { Self.bracket(studyName: study.name, number: $0.number, budgets: budgets) == bracket }
    }
}

/// Hyperband's brackets, fixed the first time they can be computed and shared by the copies of
/// the pruner (Optuna keeps them on the pruner object).
final class BracketLayout: @unchecked Sendable {
    private let lock = NSLock()
    let maxResource: Int?
    private var stored: [Int]?

    init(maxResource: Int?) { self.maxResource = maxResource }

    var budgets: [Int]? { lock.withLock { stored } }

    func fix(_ budgets: [Int]) -> [Int] {
        lock.withLock {
            if stored == nil { stored = budgets }
            return stored!
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's and Python's `binascii.crc32`).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
