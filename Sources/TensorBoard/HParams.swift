/// The value of a hyperparameter as TensorBoard's HParams plugin stores it
/// (`google.protobuf.Value`): a number, a string or a boolean. Integers are numbers.
public enum HParamValue: Equatable, Hashable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)

    /// The plugin's data type for a value of this kind.
    public var dataType: HParamDataType {
        switch self {
        case .number: return .float64
        case .string: return .string
        case .bool: return .bool
        }
    }

    /// `google.protobuf.Value`: number_value = 2, string_value = 3, bool_value = 4.
    var message: ProtobufMessage {
        var message = ProtobufMessage()
        switch self {
        case .number(let value): message.double(2, value)
        case .string(let value): message.string(3, value)
        case .bool(let value): message.bool(4, value)
        }
        return message
    }
}

/// `tensorboard.hparams.DataType`.
public enum HParamDataType: Int, Sendable {
    case string = 1, bool = 2, float64 = 3
}

/// The values a hyperparameter may take, shown by TensorBoard as the column's filter: a range
/// of numbers, or a list of values.
public enum HParamDomain: Equatable, Sendable {
    case interval(min: Double, max: Double)
    case discrete([HParamValue])
}

/// One hyperparameter of an experiment (`tensorboard.hparams.HParamInfo`).
public struct HParamInfo: Equatable, Sendable {
    public var name: String
    public var domain: HParamDomain?
    /// nil: the domain's type (float64 for an interval, the first value's for a list), unset
    /// without a domain.
    public var type: HParamDataType?
    public var displayName: String?
    public var description: String?

    public init(_ name: String, domain: HParamDomain? = nil, type: HParamDataType? = nil,
                displayName: String? = nil, description: String? = nil) {
        self.name = name
        self.domain = domain
        self.type = type
        self.displayName = displayName
        self.description = description
    }

    var resolvedType: HParamDataType? {
        if let type { return type }
        switch domain {
        case .interval?: return .float64
        case .discrete(let values)?: return values.first?.dataType
        case nil: return nil
        }
    }

    /// name = 1, display_name = 2, description = 3, type = 4, domain_discrete = 5 (ListValue),
    /// domain_interval = 6.
    var message: ProtobufMessage {
        var message = ProtobufMessage()
        message.string(1, name)
        if let displayName { message.string(2, displayName) }
        if let description { message.string(3, description) }
        if let type = resolvedType { message.varint(4, UInt64(type.rawValue)) }
        switch domain {
        case .discrete(let values)?:
            var list = ProtobufMessage()
            for value in values { list.message(1, value.message) }
            message.message(5, list)
        case let .interval(low, high)?:
            var interval = ProtobufMessage()
            interval.double(1, low)
            interval.double(2, high)
            message.message(6, interval)
        case nil: break
        }
        return message
    }
}

/// `tensorboard.hparams.DatasetType`: which split a metric measures.
public enum MetricDatasetType: Int, Sendable {
    case training = 1, validation = 2
}

/// One metric of an experiment: a scalar tag that every session logs. `group` is the
/// sub-folder of the session's run holding the scalar ("" = the session's own folder).
public struct MetricInfo: Equatable, Sendable {
    public var tag: String
    public var group: String
    public var displayName: String?
    public var datasetType: MetricDatasetType?

    public init(_ tag: String, group: String = "", displayName: String? = nil, datasetType: MetricDatasetType? = nil) {
        self.tag = tag
        self.group = group
        self.displayName = displayName
        self.datasetType = datasetType
    }

    /// name = 1 (MetricName: group = 1, tag = 2), display_name = 3, dataset_type = 5.
    var message: ProtobufMessage {
        var name = ProtobufMessage()
        name.string(1, group)
        name.string(2, tag)
        var message = ProtobufMessage()
        message.message(1, name)
        if let displayName { message.string(3, displayName) }
        if let datasetType { message.varint(5, UInt64(datasetType.rawValue)) }
        return message
    }
}

/// What a set of runs varies and measures, written once at the log folder's root. With it,
/// TensorBoard's HParams view lists every hyperparameter and metric named here, in this order,
/// instead of inferring them from the runs (and showing only a few by default).
public struct HParamsExperiment: Equatable, Sendable {
    public var hparams: [HParamInfo]
    public var metrics: [MetricInfo]
    public var name: String?
    public var description: String?
    /// Seconds since 1970.
    public var timeCreated: Double?

    public init(hparams: [HParamInfo], metrics: [MetricInfo], name: String? = nil, description: String? = nil,
                timeCreated: Double? = nil) {
        self.hparams = hparams
        self.metrics = metrics
        self.name = name
        self.description = description
        self.timeCreated = timeCreated
    }

    /// description = 1, time_created_secs = 3, hparam_infos = 4, metric_infos = 5, name = 6.
    var message: ProtobufMessage {
        var message = ProtobufMessage()
        if let description { message.string(1, description) }
        if let timeCreated { message.double(3, timeCreated) }
        for info in hparams { message.message(4, info.message) }
        for metric in metrics { message.message(5, metric.message) }
        if let name { message.string(6, name) }
        return message
    }
}

/// How a session (one run of one configuration) ended: `tensorboard.hparams.Status`. The
/// protocol has no "aborted" or "pruned"; see the study command for how trial states map here.
public enum SessionStatus: Int, Sendable {
    case unknown = 0, success = 1, failure = 2, running = 3
}

/// The content of the "hparams" plugin's summaries (`HParamsPluginData`) and their tags.
enum HParamsPluginData {
    static let pluginName = "hparams"
    static let experimentTag = "_hparams_/experiment"
    static let sessionStartTag = "_hparams_/session_start_info"
    static let sessionEndTag = "_hparams_/session_end_info"

    /// version = 1 (always 0), then one of experiment = 2, session_start_info = 3, session_end_info = 4.
    static func content(field: Int, _ message: ProtobufMessage) -> [UInt8] {
        var data = ProtobufMessage()
        data.varint(1, 0)
        data.message(field, message)
        return data.bytes
    }

    static func experiment(_ experiment: HParamsExperiment) -> [UInt8] { content(field: 2, experiment.message) }

    /// SessionStartInfo: hparams = 1 (map<string, Value>, entries sorted by name so the bytes
    /// do not depend on dictionary order), group_name = 4, start_time_secs = 5.
    static func sessionStart(_ hparams: [String: HParamValue], groupName: String?, startTime: Double) -> [UInt8] {
        var start = ProtobufMessage()
        for (name, value) in hparams.sorted(by: { $0.key < $1.key }) {
            var entry = ProtobufMessage()
            entry.string(1, name)
            entry.message(2, value.message)
            start.message(1, entry)
        }
        if let groupName { start.string(4, groupName) }
        start.double(5, startTime)
        return content(field: 3, start)
    }

    /// SessionEndInfo: status = 1, end_time_secs = 2.
    static func sessionEnd(_ status: SessionStatus, endTime: Double) -> [UInt8] {
        var end = ProtobufMessage()
        end.varint(1, UInt64(status.rawValue))
        end.double(2, endTime)
        return content(field: 4, end)
    }
}
