/// TFRecord framing, the container of event files: each record is
/// `uint64 length | uint32 masked CRC-32C of the length | payload | uint32 masked CRC-32C of the payload`,
/// all little-endian. Readers check both CRCs; TensorBoard stops quietly at a truncated last
/// record, so a file appended to record by record is readable at any moment.
enum TFRecord {
    /// The framed bytes of one record.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = littleEndianBytes(UInt64(payload.count))
        var record = length
        record.reserveCapacity(payload.count + 16)
        record += littleEndianBytes(CRC32C.masked(CRC32C.checksum(length)))
        record += payload
        record += littleEndianBytes(CRC32C.masked(CRC32C.checksum(payload)))
        return record
    }
}
