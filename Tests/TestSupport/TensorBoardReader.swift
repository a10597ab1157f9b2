import Foundation

/// Reads a TensorBoard log folder back with TensorBoard's own `EventAccumulator` and with
/// `tbparse` (the Python of `ATELIER_TEST_PYTHON`, set up by scripts/test-services.sh), through
/// Tests/Fixtures/tensorboard/read_events.py, whose docstring describes the JSON returned.
public enum TensorBoardReader {
    static let variables = ProcessInfo.processInfo.environment
    /// The Python with tensorboard and tbparse, nil when unset.
    public static let python = variables["ATELIER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    /// Run the interop tests: the Python is there, or CI requires them (they then fail without it).
    public static let runs = python != nil || variables["CI"] == "true"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The script's JSON for `logdir`.
    public static func read(_ logdir: String) throws -> [String: Any] {
        guard let python else { throw Failure(description: "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)") }
        let script = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/tensorboard/read_events.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, logdir]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "read_events.py exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw Failure(description: "read_events.py printed no JSON object: \(String(decoding: output, as: UTF8.self))")
        }
        return object
    }

    /// `runs[run]["scalars"][tag]` as (step, value) pairs.
    public static func scalars(_ json: [String: Any], run: String, tag: String) -> [(step: Int, value: Double)] {
        let runs = json["runs"] as? [String: Any]
        let scalars = (runs?[run] as? [String: Any])?["scalars"] as? [String: Any]
        return (scalars?[tag] as? [[Any]] ?? []).compactMap { event in
            guard event.count >= 2, let step = event[0] as? Int, let value = event[1] as? Double else { return nil }
            return (step, value)
        }
    }

    /// `runs[run]["hparams"][tag]`: the HParamsPluginData of that summary as a dictionary.
    public static func hparams(_ json: [String: Any], run: String, tag: String) -> [String: Any]? {
        let runs = json["runs"] as? [String: Any]
        return ((runs?[run] as? [String: Any])?["hparams"] as? [String: Any])?[tag] as? [String: Any]
    }
}
