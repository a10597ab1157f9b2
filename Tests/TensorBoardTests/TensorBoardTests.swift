import Foundation
@testable import TensorBoard
import TestSupport
import Testing

/// A reader of our own for what the writer produces: TFRecord frames (both CRCs checked) and
/// protobuf fields, enough to look inside events without TensorBoard.
enum TestRecordReader {
    struct Corrupt: Error { var reason: String }

    static func uint64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The payloads of the records in `bytes`; a truncated last record is dropped, as TensorBoard does.
    static func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var offset = 0
        while offset + 12 <= bytes.count {
            let lengthBytes = bytes[offset..<(offset + 8)]
            let length = Int(uint64(lengthBytes))
            guard UInt32(uint64(bytes[(offset + 8)..<(offset + 12)])) == CRC32C.masked(CRC32C.checksum(lengthBytes)) else {
                throw Corrupt(reason: "length CRC at \(offset)")
            }
            guard offset + 16 + length <= bytes.count else { break }
            let payload = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            let stored = UInt32(uint64(bytes[(offset + 12 + length)..<(offset + 16 + length)]))
            guard stored == CRC32C.masked(CRC32C.checksum(payload)) else { throw Corrupt(reason: "payload CRC at \(offset)") }
            payloads.append(payload)
            offset += 16 + length
        }
        return payloads
    }

    enum Field: Equatable {
        case varint(UInt64), fixed64(UInt64), bytes([UInt8]), fixed32(UInt32)
        var bytes: [UInt8]? { if case .bytes(let b) = self { return b }; return nil }
    }

    /// The fields of one message, in order, as (number, value).
    static func fields(_ bytes: [UInt8]) throws -> [(Int, Field)] {
        var result: [(Int, Field)] = []
        var offset = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count else { throw Corrupt(reason: "varint past the end") }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while offset < bytes.count {
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: result.append((field, .varint(try varint())))
            case 1: result.append((field, .fixed64(uint64(bytes[offset..<(offset + 8)])))); offset += 8
            case 2:
                let length = Int(try varint())
                result.append((field, .bytes(Array(bytes[offset..<(offset + length)])))); offset += length
            case 5: result.append((field, .fixed32(UInt32(uint64(bytes[offset..<(offset + 4)]))))); offset += 4
            default: throw Corrupt(reason: "wire type \(key & 7)")
            }
        }
        return result
    }

    static func field(_ number: Int, in fields: [(Int, Field)]) -> Field? { fields.first { $0.0 == number }?.1 }
}

@Suite("TensorBoard wire format")
struct TensorBoardWireFormatTests {
    @Test func crc32cKnownVectors() {
        // RFC 3720 (iSCSI) B.4 and the usual check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func maskedCRCMatchesTensorFlow() {
        // Values from tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
        #expect(CRC32C.masked(CRC32C.checksum(Array("123456789".utf8))) == 0xC78A_B0E5)
        #expect(CRC32C.masked(CRC32C.checksum([UInt8]())) == 0xA282_EAD8)
        // TensorFlow's Unmask inverts it.
        let crc: UInt32 = 0xDEAD_BEEF
        let rotated = CRC32C.masked(crc) &- 0xA282_EAD8
        #expect((rotated >> 17) | (rotated << 15) == crc)
    }

    @Test func protobufEncodings() {
        var message = ProtobufMessage()
        message.varint(1, 300)
        #expect(message.bytes == [0x08, 0xAC, 0x02])
        message = ProtobufMessage()
        message.int64(2, -1)
        #expect(message.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        message = ProtobufMessage()
        message.float(2, 1.5)
        #expect(message.bytes == [0x15, 0x00, 0x00, 0xC0, 0x3F])
        message = ProtobufMessage()
        message.double(1, 1.0)
        #expect(message.bytes == [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        message = ProtobufMessage()
        message.string(1, "é")
        #expect(message.bytes == [0x0A, 0x02, 0xC3, 0xA9])
        // tensorboard.plugins.hparams.metadata.NULL_TENSOR.SerializeToString() == 080112021200.
        #expect(EventMessages.nullTensor.bytes == [0x08, 0x01, 0x12, 0x02, 0x12, 0x00])
    }

    @Test func recordFramingRoundTrip() throws {
        let payloads: [[UInt8]] = [[], [42], (0..<300).map { UInt8($0 % 251) }]
        let file = payloads.flatMap(TFRecord.frame)
        #expect(file.count == payloads.reduce(0) { $0 + $1.count + 16 })
        #expect(try TestRecordReader.records(file) == payloads)
        // A truncated last record is dropped, the ones before it are read.
        #expect(try TestRecordReader.records(Array(file.dropLast(5))) == Array(payloads.dropLast()))
        // A flipped payload byte is caught by the payload CRC.
        var damaged = file
        damaged[16 + 17 + 12] ^= 1
        #expect(throws: TestRecordReader.Corrupt.self) { try TestRecordReader.records(damaged) }
    }

    @Test func writerFileNameAndFirstEvent() throws {
        let folder = TestSupport.temporaryDirectory("tensorboard").appendingPathComponent("run").path
        let writer = try EventWriter(folder: folder, wallTime: 1_700_000_000.25)
        writer.addScalar("loss/train", 0.5, step: 3, wallTime: 1_700_000_001)
        try writer.close()
        let name = (writer.path as NSString).lastPathComponent
        let parts = name.split(separator: ".")
        #expect(name.hasPrefix("events.out.tfevents.1700000000."))
        #expect(parts.suffix(2).first.map { String($0) } == "\(getpid())")
        #expect(Int(parts.last ?? "") != nil)
        let records = try TestRecordReader.records(Array(try Data(contentsOf: URL(fileURLWithPath: writer.path))))
        #expect(records.count == 2)
        let first = try TestRecordReader.fields(records[0])
        #expect(TestRecordReader.field(3, in: first)?.bytes == Array("brain.Event:2".utf8))
        #expect(TestRecordReader.field(1, in: first) == .fixed64((1_700_000_000.25).bitPattern))
        let second = try TestRecordReader.fields(records[1])
        #expect(TestRecordReader.field(2, in: second) == .varint(3))
        let summary = try TestRecordReader.fields(try #require(TestRecordReader.field(5, in: second)?.bytes))
        let value = try TestRecordReader.fields(try #require(TestRecordReader.field(1, in: summary)?.bytes))
        #expect(TestRecordReader.field(1, in: value)?.bytes == Array("loss/train".utf8))
        #expect(TestRecordReader.field(2, in: value) == .fixed32(Float(0.5).bitPattern))
        // Writing after close is an error, closing twice is not.
        #expect(throws: TensorBoardError.self) { try writer.flush() }
        try writer.close()
    }

    @Test func recordsReachTheFileOnlyWhenFlushed() throws {
        let folder = TestSupport.temporaryDirectory("tensorboard").path
        let writer = try EventWriter(folder: folder)
        func recordCount() throws -> Int {
            try TestRecordReader.records(Array(try Data(contentsOf: URL(fileURLWithPath: writer.path)))).count
        }
        #expect(try recordCount() == 1, "the file-version event is written at once")
        writer.addScalar("seconds", 1, step: 1)
        #expect(try recordCount() == 1)
        try writer.flush()
        #expect(try recordCount() == 2)
        try writer.close()
    }

    @Test func writerRefusesAFileInTheWay() throws {
        let folder = TestSupport.temporaryDirectory("tensorboard")
        let file = try TestSupport.writeFile("x", named: "taken", in: folder)
        #expect(throws: TensorBoardError.self) { try EventWriter(folder: file) }
    }
}

/// Swift writes, TensorBoard's `EventAccumulator` and `tbparse` read (ATELIER_TEST_PYTHON).
@Suite("TensorBoard interop", .enabled(if: TensorBoardReader.runs, "ATELIER_TEST_PYTHON is unset: TensorBoard interop tests skipped"))
struct TensorBoardInteropTests {
    @Test func scalarsAndHParamsReadBackByTensorBoardAndTbparse() throws {
        let root = TestSupport.temporaryDirectory("tensorboard-interop").path
        let experiment = HParamsExperiment(
            hparams: [HParamInfo("learningRate", domain: .interval(min: 1e-5, max: 0.1)),
                      HParamInfo("optimizer", domain: .discrete([.string("adam"), .string("sgd")])),
                      HParamInfo("batchNorm", domain: .discrete([.bool(false), .bool(true)])),
                      HParamInfo("batchSize", domain: .discrete([.number(16), .number(32)])),
                      HParamInfo("a"), HParamInfo("b"), HParamInfo("c")],
            metrics: [MetricInfo("accuracy/validation", datasetType: .validation), MetricInfo("loss/train")],
            name: "interop", timeCreated: 1_700_000_000)
        let rootWriter = try EventWriter(folder: root)
        rootWriter.addExperiment(experiment)
        try rootWriter.close()

        let runs: [(name: String, losses: [Double], hparams: [String: HParamValue], status: SessionStatus)] = [
            ("trial-0", [0.9, 0.5, 0.25], ["learningRate": .number(0.001), "optimizer": .string("adam"), "batchNorm": .bool(true),
                                            "batchSize": .number(32), "a": .number(1), "b": .number(2), "c": .string("x")], .success),
            ("trial-1", [1.5], ["learningRate": .number(0.05), "optimizer": .string("sgd"), "batchNorm": .bool(false),
                                "batchSize": .number(16), "a": .number(0), "b": .number(-1), "c": .string("y")], .failure),
        ]
        for run in runs {
            let writer = try EventWriter(folder: (root as NSString).appendingPathComponent(run.name))
            writer.addHParams(run.hparams, startTime: 1_700_000_010)
            for (epoch, loss) in run.losses.enumerated() {
                writer.addScalar("loss/train", loss, step: epoch + 1)
                writer.addScalar("accuracy/validation", 1 - loss / 2, step: epoch + 1)
                try writer.flush()
            }
            writer.addSessionEnd(run.status, endTime: 1_700_000_020)
            try writer.close()
        }

        let json = try TensorBoardReader.read(root)
        let accumulated = try #require(json["runs"] as? [String: [String: Any]])
        #expect(Set(accumulated.keys) == ["", "trial-0", "trial-1"])
        #expect(accumulated.values.allSatisfy { $0["fileVersion"] as? Double == 2 }, "TensorBoard parsed \"brain.Event:2\"")
        for run in runs {
            let losses = TensorBoardReader.scalars(json, run: run.name, tag: "loss/train")
            #expect(losses.map(\.step) == Array(1...run.losses.count))
            // Scalars are 32-bit floats; compared as such (Foundation's JSON parser may be one
            // double ulp off Python's shortest representation).
            #expect(losses.map { Float($0.value) } == run.losses.map { Float($0) })
            let accuracies = TensorBoardReader.scalars(json, run: run.name, tag: "accuracy/validation")
            #expect(accuracies.map { Float($0.value) } == run.losses.map { Float(1 - $0 / 2) })

            let start = try #require(TensorBoardReader.hparams(json, run: run.name, tag: "_hparams_/session_start_info"))
            let startInfo = try #require(start["session_start_info"] as? [String: Any])
            let values = try #require(startInfo["hparams"] as? [String: Any])
            #expect(values.count == run.hparams.count)
            for (name, value) in run.hparams {
                switch value {
                case .number(let x): #expect((values[name] as? Double) == x, "\(name)")
                case .string(let s): #expect((values[name] as? String) == s, "\(name)")
                case .bool(let b): #expect((values[name] as? Bool) == b, "\(name)")
                }
            }
            #expect(startInfo["start_time_secs"] as? Double == 1_700_000_010)
            let end = try #require(TensorBoardReader.hparams(json, run: run.name, tag: "_hparams_/session_end_info"))
            let endInfo = try #require(end["session_end_info"] as? [String: Any])
            #expect(endInfo["status"] as? String == (run.status == .success ? "STATUS_SUCCESS" : "STATUS_FAILURE"))
            #expect(endInfo["end_time_secs"] as? Double == 1_700_000_020)
        }

        let stored = try #require(TensorBoardReader.hparams(json, run: "", tag: "_hparams_/experiment"))
        let read = try #require(stored["experiment"] as? [String: Any])
        #expect(read["name"] as? String == "interop")
        #expect(read["time_created_secs"] as? Double == 1_700_000_000)
        let infos = try #require(read["hparam_infos"] as? [[String: Any]])
        #expect(infos.compactMap { $0["name"] as? String } == ["learningRate", "optimizer", "batchNorm", "batchSize", "a", "b", "c"],
                "every hyperparameter, in order: more than TensorBoard's default five")
        #expect(infos[0]["type"] as? String == "DATA_TYPE_FLOAT64")
        let interval = try #require(infos[0]["domain_interval"] as? [String: Any])
        #expect(interval["min_value"] as? Double == 1e-5 && interval["max_value"] as? Double == 0.1)
        #expect(infos[1]["type"] as? String == "DATA_TYPE_STRING")
        #expect((infos[1]["domain_discrete"] as? [Any])?.compactMap { $0 as? String } == ["adam", "sgd"])
        #expect(infos[2]["type"] as? String == "DATA_TYPE_BOOL")
        #expect((infos[2]["domain_discrete"] as? [Any])?.compactMap { $0 as? Bool } == [false, true])
        #expect((infos[3]["domain_discrete"] as? [Any])?.compactMap { $0 as? Double } == [16, 32])
        let metrics = try #require(read["metric_infos"] as? [[String: Any]])
        #expect(metrics.compactMap { ($0["name"] as? [String: Any])?["tag"] as? String } == ["accuracy/validation", "loss/train"])
        #expect(metrics.first?["dataset_type"] as? String == "DATASET_VALIDATION")

        // tbparse: the same scalars, by run folder.
        let tbparse = try #require((json["tbparse"] as? [String: Any])?["scalars"] as? [[String: Any]])
        for run in runs {
            let rows = tbparse.filter { $0["dir_name"] as? String == run.name && $0["tag"] as? String == "loss/train" }
            #expect(rows.compactMap { $0["step"] as? Int } == Array(1...run.losses.count))
            #expect(rows.compactMap { ($0["value"] as? Double).map(Float.init) } == run.losses.map { Float($0) })
        }
        #expect(tbparse.count == runs.reduce(0) { $0 + 2 * $1.losses.count })
        let tbparseHParams = try #require((json["tbparse"] as? [String: Any])?["hparams"] as? [[String: Any]])
        #expect(tbparseHParams.contains { $0["dir_name"] as? String == "trial-1" && $0["tag"] as? String == "optimizer" && $0["value"] as? String == "sgd" })
    }
}
