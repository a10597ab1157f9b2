/// TensorBoard event files: `EventWriter` writes scalars and HParams summaries (`HParamsExperiment`,
/// `HParamValue`, `SessionStatus`) that TensorBoard, `tbparse` and TensorFlow read. The wire
/// format is written by hand: TFRecord framing with CRC-32C (`TFRecord`, `CRC32C`) around
/// protocol-buffers messages (`ProtobufMessage`, `EventMessages`, `HParamsPluginData`).
public enum TensorBoard {}
