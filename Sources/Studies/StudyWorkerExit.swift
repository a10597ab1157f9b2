import Foundation

/// How one worker process of `atelier study run --workers N` ended, in the words its stderr
/// uses: which worker, its pid, and its exit status or the signal that ended it. A `kill -9` or
/// the kernel's out-of-memory killer is "killed by signal 9 (SIGKILL)", not "status 9", which is
/// what a bare termination status says. Values only, so the text is tested without processes.
public struct StudyWorkerExit: Sendable, Hashable, CustomStringConvertible {
    public enum Ending: Sendable, Hashable {
        /// `exit(status)` or a return from `main`.
        case exited(status: Int32)
        /// Ended by a signal it did not handle.
        case signalled(Int32)
    }

    /// 1-based, in the order the workers were started.
    public var worker: Int
    public var pid: Int32
    public var ending: Ending

    public init(worker: Int, pid: Int32, ending: Ending) {
        self.worker = worker
        self.pid = pid
        self.ending = ending
    }

    public var succeeded: Bool { ending == .exited(status: 0) }

    public var description: String {
        let who = "worker \(worker) (pid \(pid))"
        switch ending {
        case .exited(status: 0): return "\(who) finished"
        case .exited(let status): return "\(who) exited with status \(status)"
        case .signalled(let signal):
            let name = Self.signalNames[signal].map { " (\($0))" } ?? ""
            return "\(who) was killed by signal \(signal)\(name)"
        }
    }

    /// The line printed as soon as the parent sees a worker fail, while `running` others go on.
    public func notice(running: Int) -> String {
        switch running {
        case 0: "\(self)"
        case 1: "\(self); the other worker goes on"
        default: "\(self); the \(running) other workers go on"
        }
    }

    /// The Linux names of the signals that end a worker without it handling them.
    static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]
}

/// The error of a run some of whose workers failed: each failed worker, and what becomes of a
/// trial a killed worker left RUNNING (it cannot tell its own trial), so the user knows whether
/// to run the study again.
public struct StudyWorkersFailed: Error, Sendable, CustomStringConvertible {
    /// Every worker's ending, successful ones included.
    public var exits: [StudyWorkerExit]
    /// The run's heartbeat settings; nil when heartbeats were off.
    public var heartbeat: Heartbeat?

    public init(exits: [StudyWorkerExit], heartbeat: Heartbeat?) {
        self.exits = exits
        self.heartbeat = heartbeat
    }

    public var description: String {
        let failed = exits.filter { !$0.succeeded }
        var text = "\(failed.count) of \(exits.count) worker processes failed: "
            + failed.map(\.description).joined(separator: ", ") + "."
        if failed.contains(where: { if case .exited = $0.ending { true } else { false } }) {
            text += " The messages of a worker that exited with an error are above."
        }
        if failed.contains(where: { if case .signalled = $0.ending { true } else { false } }) {
            if let heartbeat {
                let seconds = heartbeat.gracePeriod
                let grace = seconds == seconds.rounded() && abs(seconds) < 1e9 ? "\(Int(seconds))" : "\(seconds)"
                let retry = (heartbeat.retries ?? 0) > 0
                    ? "retried with the same parameters (--retries \(heartbeat.retries!))"
                    : "not retried (--retries 0)"
                text += " A trial a killed worker left RUNNING is failed once its last heartbeat is over \(grace) s old,"
                    + " by the next worker that asks the study for a trial (one still running, or a later atelier study run), and \(retry)."
            } else {
                text += " A trial a killed worker left RUNNING stays RUNNING: heartbeats were off (--heartbeat-interval 0)."
            }
        }
        return text
    }
}

extension StudyWorkersFailed: LocalizedError {
    public var errorDescription: String? { description }
}
