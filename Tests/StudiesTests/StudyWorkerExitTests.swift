import Foundation
@testable import Studies
import Testing

/// What `atelier study run --workers N` says when workers fail: the words, from fixed endings
/// (the CLI test kills a real worker).
@Suite("Study worker exits")
struct StudyWorkerExitTests {
    @Test func aSignalIsNamedNotShownAsAStatus() {
        let killed = StudyWorkerExit(worker: 2, pid: 4711, ending: .signalled(9))
        #expect("\(killed)" == "worker 2 (pid 4711) was killed by signal 9 (SIGKILL)")
        #expect(!killed.succeeded)
        #expect(killed.notice(running: 1) == "worker 2 (pid 4711) was killed by signal 9 (SIGKILL); the other worker goes on")
        #expect(killed.notice(running: 3).hasSuffix("; the 3 other workers go on"))
        #expect("\(StudyWorkerExit(worker: 1, pid: 7, ending: .signalled(64)))" == "worker 1 (pid 7) was killed by signal 64")
        #expect("\(StudyWorkerExit(worker: 1, pid: 7, ending: .exited(status: 1)))" == "worker 1 (pid 7) exited with status 1")
        #expect(StudyWorkerExit(worker: 1, pid: 7, ending: .exited(status: 0)).succeeded)
    }

    @Test func theRunsErrorSaysWhatBecomesOfAKilledWorkersTrial() {
        let exits = [StudyWorkerExit(worker: 1, pid: 10, ending: .exited(status: 0)),
                     StudyWorkerExit(worker: 2, pid: 11, ending: .signalled(9))]
        let retried = StudyWorkersFailed(exits: exits, heartbeat: Heartbeat(interval: 1, gracePeriod: 2, retries: 1))
        #expect("\(retried)" == "1 of 2 worker processes failed: worker 2 (pid 11) was killed by signal 9 (SIGKILL)."
            + " A trial a killed worker left RUNNING is failed once its last heartbeat is over 2 s old, by the next worker"
            + " that asks the study for a trial (one still running, or a later atelier study run), and retried with the"
            + " same parameters (--retries 1).")
        let noRetry = StudyWorkersFailed(exits: exits, heartbeat: Heartbeat(interval: 0.5, gracePeriod: 1.5, retries: 0))
        #expect("\(noRetry)".contains("over 1.5 s old") && "\(noRetry)".hasSuffix("and not retried (--retries 0)."))
        let noBeats = StudyWorkersFailed(exits: exits, heartbeat: nil)
        #expect("\(noBeats)".hasSuffix("stays RUNNING: heartbeats were off (--heartbeat-interval 0)."))

        let errored = StudyWorkersFailed(exits: [StudyWorkerExit(worker: 1, pid: 10, ending: .exited(status: 1)), exits[0]],
                                         heartbeat: nil)
        #expect("\(errored)" == "1 of 2 worker processes failed: worker 1 (pid 10) exited with status 1."
            + " The messages of a worker that exited with an error are above.")
    }
}
