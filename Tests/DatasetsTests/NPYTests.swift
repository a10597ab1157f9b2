import Foundation
import Testing
import TestSupport
@testable import Datasets
import TensorCore

@Suite("NumPy .npy")
struct NPYTests {
    let directory = TestSupport.temporaryDirectory("atelier-npy")

    /// Files written by NumPy 2.4.6 (`np.save` to a BytesIO, base64-encoded):
    /// float32 `[[1.5, -2, 0.25], [3, 1e-3, -0.0]]`, uint8 `[0, 7, 255, 128]`,
    /// int64 `[[-1, 2**40], [3, -(2**50)]]`, big-endian float64 `[1.5, 2.5]`, float32 scalar 3.5.
    static let numpyFloat32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAgD4AAEBAbxKDOgAAAIA="
    static let numpyUInt8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAB/+A"
    static let numpyInt64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wAAAAAAAQAAAwAAAAAAAAAAAAAAAAD8/w=="
    static let numpyBigEndianFloat64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAAAAAAAEAEAAAAAAAA"
    static let numpyScalar = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA"

    func decode(_ base64: String) -> Data { Data(base64Encoded: base64)! }

    @Test("reads what NumPy wrote")
    func readsNumPy() throws {
        let floats = try NPY.parse(decode(Self.numpyFloat32), path: "f4.npy")
        #expect(floats == NPYArray(shape: [2, 3], storage: .float32([1.5, -2, 0.25, 3, 1e-3, -0.0])))
        #expect(try NPY.parse(decode(Self.numpyUInt8), path: "u1.npy") == NPYArray(shape: [4], storage: .uint8([0, 7, 255, 128])))
        #expect(try NPY.parse(decode(Self.numpyInt64), path: "i8.npy")
                == NPYArray(shape: [2, 2], storage: .int64([-1, 1 << 40, 3, -(1 << 50)])))
        #expect(try NPY.parse(decode(Self.numpyBigEndianFloat64), path: "f8.npy") == NPYArray(shape: [2], storage: .float64([1.5, 2.5])))
        let scalar = try NPY.parse(decode(Self.numpyScalar), path: "scalar.npy")
        #expect(scalar.shape == [] && scalar.tensor().elements == [3.5])
    }

    @Test("writes byte for byte what NumPy writes")
    func writesLikeNumPy() {
        #expect(NPY.encode(NPYArray(shape: [2, 3], storage: .float32([1.5, -2, 0.25, 3, 1e-3, -0.0]))) == decode(Self.numpyFloat32))
        #expect(NPY.encode(NPYArray(shape: [4], storage: .uint8([0, 7, 255, 128]))) == decode(Self.numpyUInt8))
        #expect(NPY.encode(NPYArray(shape: [2, 2], storage: .int64([-1, 1 << 40, 3, -(1 << 50)]))) == decode(Self.numpyInt64))
        #expect(NPY.encode(NPYArray(shape: [], storage: .float32([3.5]))) == decode(Self.numpyScalar))
    }

    @Test("file round trip of a tensor; the data starts at a multiple of 64 bytes")
    func roundTrip() throws {
        var generator = RandomGenerator(seed: 5)
        let tensor = Tensor.normal([7, 3, 5], generator: &generator)
        let path = directory.appendingPathComponent("t.npy").path
        try NPY.write(tensor, to: path)
        #expect(try NPY.readTensor(path) == tensor)
        let bytes = try FileIO.read(path)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes.count == 10 + headerLength + 7 * 3 * 5 * 4)
        let labels = NPYArray(shape: [3], storage: .int32([4, -5, 6]))
        try NPY.write(labels, to: path)
        #expect(try NPY.read(path) == labels)
    }

    @Test("bad files: magic, truncated, trailing, Fortran order, unsupported dtype, missing key")
    func badFiles() throws {
        let good = [UInt8](decode(Self.numpyFloat32))
        func error(_ bytes: [UInt8], _ name: String) throws -> DatasetError? {
            let path = try TestSupport.writeFile(bytes, named: name, in: directory)
            do { _ = try NPY.read(path); return nil } catch let error as DatasetError {
                #expect(error.description.contains(path))
                return error
            }
        }
        guard case .badMagic? = try error(Array("PK\u{3}\u{4} not numpy".utf8), "zip.npy") else { Issue.record("magic"); return }
        #expect(try error(Array(good.dropLast(4)), "short.npy") == .truncated(path: directory.appendingPathComponent("short.npy").path, expectedBytes: good.count, foundBytes: good.count - 4))
        guard case .trailingBytes? = try error(good + [0], "long.npy") else { Issue.record("trailing"); return }
        // Header edits of equal length, so the data offset stays at 128.
        func withHeader(_ replace: String, by replacement: String) -> [UInt8] {
            let header = String(decoding: good[10..<128], as: UTF8.self).replacingOccurrences(of: replace, with: replacement)
            return Array(good.prefix(10)) + Array(header.utf8) + Array(good[128...])
        }
        guard case let .invalidHeader(_, _, reason)? = try error(withHeader("False", by: "True "), "fortran.npy") else { Issue.record("fortran"); return }
        #expect(reason.contains("fortran_order is True"))
        guard case let .invalidHeader(_, _, dtypeReason)? = try error(withHeader("<f4", by: "<c8"), "complex.npy") else { Issue.record("dtype"); return }
        #expect(dtypeReason.contains("unsupported dtype '<c8'"))
        guard case let .invalidHeader(_, _, keyReason)? = try error(withHeader("'shape'", by: "'shopa'"), "key.npy") else { Issue.record("key"); return }
        #expect(keyReason.contains("missing key 'shape'"))
    }
}

@Suite("Data file summaries")
struct DataFileSummaryTests {
    @Test("dataset info describes .npy files by content")
    func npySummary() throws {
        let directory = TestSupport.temporaryDirectory("atelier-summary")
        let path = directory.appendingPathComponent("weights.bin").path
        try NPY.write(Tensor(rows: [[1, -2], [3, 0.5], [7, 4]]), to: path)
        let summary = try DataFileSummary.describe(path)
        #expect(summary.format == "npy-<f4" && summary.records == 3 && summary.shape == [3, 2])
        #expect(summary.minimum == -2 && summary.maximum == 7)
    }
}
