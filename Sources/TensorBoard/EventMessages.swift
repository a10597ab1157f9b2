/// The `tensorboard.Event` records of an event file, as bytes ready for `TFRecord.frame`.
///
/// Event: wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5.
/// Summary: value = 1 (repeated). Summary.Value: tag = 1, simple_value = 2 (float),
/// tensor = 8, metadata = 9. SummaryMetadata: plugin_data = 1 (plugin_name = 1, content = 2).
enum EventMessages {
    /// The first record of every file; readers use it to recognise the format.
    static let fileVersion = "brain.Event:2"

    static func fileVersionEvent(wallTime: Double) -> [UInt8] {
        var event = ProtobufMessage()
        event.double(1, wallTime)
        event.string(3, fileVersion)
        return event.bytes
    }

    static func summaryEvent(_ values: [ProtobufMessage], step: Int64, wallTime: Double) -> [UInt8] {
        var summary = ProtobufMessage()
        for value in values { summary.message(1, value) }
        var event = ProtobufMessage()
        event.double(1, wallTime)
        event.int64(2, step)
        event.message(5, summary)
        return event.bytes
    }

    /// A scalar as `simple_value` (32-bit float, what TensorBoard plots; readers turn it into
    /// a "scalars" plugin tensor themselves).
    static func scalarValue(tag: String, value: Float) -> ProtobufMessage {
        var message = ProtobufMessage()
        message.string(1, tag)
        message.float(2, value)
        return message
    }

    /// TensorProto of an empty float vector (dtype = 1: DT_FLOAT; tensor_shape = 2 holding one
    /// dim of size 0): the placeholder tensor the hparams plugin's own writer attaches, since
    /// TensorBoard's data provider only indexes values that hold a tensor.
    static let nullTensor: ProtobufMessage = {
        var shape = ProtobufMessage()
        shape.bytes(2, [])
        var tensor = ProtobufMessage()
        tensor.varint(1, 1)
        tensor.message(2, shape)
        return tensor
    }()

    /// A plugin's summary: its tag, the null tensor, and the plugin's serialized content.
    static func pluginValue(tag: String, plugin: String, content: [UInt8]) -> ProtobufMessage {
        var pluginData = ProtobufMessage()
        pluginData.string(1, plugin)
        pluginData.bytes(2, content)
        var metadata = ProtobufMessage()
        metadata.message(1, pluginData)
        var message = ProtobufMessage()
        message.string(1, tag)
        message.message(8, nullTensor)
        message.message(9, metadata)
        return message
    }
}
