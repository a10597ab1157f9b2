import Foundation

/// Where studies live: in memory, a SQLite file, or a PostgreSQL database shared by workers on
/// many machines. Modelled on Optuna's `BaseStorage`, so a driver that writes Optuna's schema maps
/// each call onto one transaction.
///
/// The contract every driver keeps (and `StorageConformance` tests check):
/// - Every call is atomic: it happens whole or not at all, and a failure throws `StudyError`
///   (`.storage` for an unreachable or refusing database) without leaving half a trial behind.
/// - Trial numbers are 0, 1, 2, … per study, unique and without gaps, under concurrent workers in
///   any number of processes.
/// - A finished trial (COMPLETE, PRUNED, FAIL) never changes: writing to it throws
///   `.trialFinished`; `setTrialState` from a finished state returns `false`.
/// - Calls are synchronous and may block the calling thread (network drivers wait for their
///   answer); they may be made from any thread, never from inside a driver's own event loop.
public protocol StudyStorage: AnyObject, Sendable {
    // MARK: Studies

    /// Creates a study; throws `.duplicateStudy` when the name is taken.
    func createStudy(name: String, directions: [StudyDirection]) throws -> Int64
    /// Deletes a study with all its trials.
    func deleteStudy(id: Int64) throws
    /// The id of the study named `name`; throws `.unknownStudy`.
    func studyID(named name: String) throws -> Int64
    /// Every study, ordered by id.
    func allStudies() throws -> [StudySummary]
    func study(id: Int64) throws -> StudySummary
    func setStudyUserAttribute(studyID: Int64, key: String, value: AttributeValue) throws
    func setStudySystemAttribute(studyID: Int64, key: String, value: AttributeValue) throws

    // MARK: Trials

    /// Creates a trial with the next number. Without a template it is RUNNING with `start` set to
    /// now; with one it copies the template's state, params, values, attributes and intermediate
    /// values (used to enqueue WAITING trials, retry failed ones, and import finished trials).
    /// Returns the new trial's id and number.
    func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int)
    /// Takes the oldest WAITING trial of the study, makes it RUNNING (start = now) and returns its
    /// id, or `nil` when none waits. Two workers never take the same trial.
    func popWaitingTrial(studyID: Int64) throws -> Int64?
    /// Records a parameter's internal value and distribution on a RUNNING (or WAITING) trial.
    /// Throws `.incompatibleDistribution` when the study used the name with another kind of
    /// distribution, `.trialFinished` on a finished trial.
    func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws
    /// Moves a trial to `state`, with its values when COMPLETE. Sets `complete` when finishing.
    /// Returns `false`, changing nothing, when the trial is already finished (or, for RUNNING,
    /// when it is no longer WAITING): that is how two workers racing for one trial are told apart.
    @discardableResult
    func setTrialState(trialID: Int64, state: TrialState, values: [Double]?) throws -> Bool
    func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws
    func setTrialUserAttribute(trialID: Int64, key: String, value: AttributeValue) throws
    func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws
    func trial(id: Int64) throws -> FrozenTrial
    /// The study's trials ordered by number, optionally only those in `states`.
    func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial]
    /// How many trials the study has, optionally only in `states`. (Added by the engine:
    /// `optimize` counts trials before each one to keep its budget and a grid sampler's limit;
    /// a database driver can answer with one `COUNT(*)` instead of reading every trial. The
    /// default reads the trials.)
    func trialCount(studyID: Int64, states: Set<TrialState>?) throws -> Int
    /// The id of the trial with `number` in the study; throws `.unknownStudy` or `.unknownTrial`.
    /// (`tell --trial N` names a trial by number; a database driver answers from the
    /// `(study_id, number)` pair with one indexed query instead of reading the whole study. The
    /// default reads the trials.)
    func trialID(studyID: Int64, number: Int) throws -> Int64

    // MARK: Heartbeats

    /// Records that the worker running this trial is alive (`trial_heartbeats`).
    func recordHeartbeat(trialID: Int64) throws
    /// Marks FAIL every RUNNING trial of the study whose last heartbeat is older than
    /// `gracePeriod` seconds, and returns those it failed (each exactly once across workers).
    func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial]
}

extension StudyStorage {
    public func trialCount(studyID: Int64, states: Set<TrialState>?) throws -> Int {
        try trials(studyID: studyID, states: states).count
    }

    public func trialID(studyID: Int64, number: Int) throws -> Int64 {
        guard let trial = try trials(studyID: studyID).first(where: { $0.number == number }) else {
            throw StudyError.unknownTrial("trial \(number)")
        }
        return trial.id
    }

    /// Every trial of the study.
    public func trials(studyID: Int64) throws -> [FrozenTrial] {
        try trials(studyID: studyID, states: nil)
    }

    /// The trial with `number` in the study; throws `.unknownTrial`.
    public func trial(studyID: Int64, number: Int) throws -> FrozenTrial {
        try trial(id: trialID(studyID: studyID, number: number))
    }
}
