import Foundation

/// Writes one TensorBoard event file: scalars per step and HParams summaries, readable by
/// TensorBoard, `tbparse` and TensorFlow's readers while it is being written.
///
/// ```swift
/// let writer = try EventWriter(folder: "runs/tensorboard/lenet5")
/// writer.addHParams(["learningRate": .number(1e-3), "optimizer": .string("adam")])
/// for epoch in 1...3 {
///     writer.addScalar("loss/train", trainLoss, step: epoch)
///     try writer.flush()                        // once per epoch: the curve grows live
/// }
/// writer.addSessionEnd(.success)
/// try writer.close()
/// ```
/// The file is `folder/events.out.tfevents.<unix seconds>.<hostname>.<pid>.<counter>`, the
/// name TensorFlow's writer uses (TensorBoard reads the files of a folder in name order; the
/// counter keeps two writers of one process apart). Its first record is the file-version event.
/// Records are buffered and appended whole by `flush()`; a process killed between flushes
/// leaves a file that ends at a record boundary or in a record TensorBoard skips.
///
/// A class, not a value: it owns an open file. Calls may come from several threads (a lock
/// guards the buffer and the file).
public final class EventWriter: @unchecked Sendable {
    /// The event file's path.
    public let path: String
    private let lock = NSLock()
    private var handle: FileHandle?
    private var pending: [UInt8] = []

    /// Creates `folder` when missing and starts a new event file in it.
    /// - Throws: `TensorBoardError` naming the folder when it cannot be created or written.
    public init(folder: String, wallTime: Double = Date().timeIntervalSince1970) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.cannotWrite(folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let name = "events.out.tfevents.\(Int(wallTime)).\(EventWriter.hostName).\(getpid()).\(EventWriter.counter.next())"
        path = (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TensorBoardError.cannotWrite(folder, reason: "cannot create \(name)")
        }
        self.handle = handle
        append(EventMessages.fileVersionEvent(wallTime: wallTime))
        try flush()
    }

    deinit { try? close() }

    /// Adds a scalar (stored as a 32-bit float, as TensorBoard keeps scalars) at `step`.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970) {
        append(EventMessages.summaryEvent([EventMessages.scalarValue(tag: tag, value: Float(value))], step: Int64(step), wallTime: wallTime))
    }

    /// The experiment: every hyperparameter (with its domain) and metric. Write it once, in a
    /// file at the root of the log folder, above the sessions' folders.
    public func addExperiment(_ experiment: HParamsExperiment, wallTime: Double = Date().timeIntervalSince1970) {
        addPluginSummary(tag: HParamsPluginData.experimentTag, content: HParamsPluginData.experiment(experiment), wallTime: wallTime)
    }

    /// The start of a session: this run's hyperparameter values (`session_start_info`). TensorBoard
    /// makes the folder holding this file one row of its HParams table.
    public func addHParams(_ hparams: [String: HParamValue], groupName: String? = nil,
                           startTime: Double = Date().timeIntervalSince1970) {
        addPluginSummary(tag: HParamsPluginData.sessionStartTag,
                         content: HParamsPluginData.sessionStart(hparams, groupName: groupName, startTime: startTime), wallTime: startTime)
    }

    /// The end of the session and how it ended (`session_end_info`).
    public func addSessionEnd(_ status: SessionStatus, endTime: Double = Date().timeIntervalSince1970) {
        addPluginSummary(tag: HParamsPluginData.sessionEndTag, content: HParamsPluginData.sessionEnd(status, endTime: endTime), wallTime: endTime)
    }

    /// Appends the records added since the last flush to the file, whole.
    /// - Throws: `TensorBoardError` when the write fails (disk full) or after `close()`.
    public func flush() throws {
        try lock.withLock {
            guard let handle else { throw TensorBoardError.cannotWrite(path, reason: "the writer is closed") }
            guard !pending.isEmpty else { return }
            do { try handle.write(contentsOf: pending) } catch {
                throw TensorBoardError.cannotWrite(path, reason: error.localizedDescription)
            }
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Flushes and closes the file; later calls do nothing.
    public func close() throws {
        guard lock.withLock({ handle != nil }) else { return }
        try flush()
        try lock.withLock {
            try handle?.close()
            handle = nil
        }
    }

    private func addPluginSummary(tag: String, content: [UInt8], wallTime: Double) {
        let value = EventMessages.pluginValue(tag: tag, plugin: HParamsPluginData.pluginName, content: content)
        append(EventMessages.summaryEvent([value], step: 0, wallTime: wallTime))
    }

    private func append(_ event: [UInt8]) {
        let record = TFRecord.frame(event)
        lock.withLock { pending += record }
    }

    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// Numbers the files of this process.
    private static let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}

/// Why an event file cannot be written: the path and the system's reason.
public enum TensorBoardError: Error, CustomStringConvertible {
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "\(path): \(reason)"
        }
    }
}
