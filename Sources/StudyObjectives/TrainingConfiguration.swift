import NeuralNet
import Studies

/// The hyper-parameters of one training trial, and the default search space of each model.
///
/// A trial draws each parameter by name. The names (lowerCamelCase, the project's rule):
/// `learningRate`, `batchSize`, `optimizer`, `weightDecay`, `epochs`, `hidden` (shallow and the
/// autoencoder's width), `layers` and one width per layer `units0`, `units1`, … (mlp; a space may
/// give a shared `units` distribution for every layer), `latent` (autoencoder). A parameter that
/// the study's space leaves out keeps its default (`defaults`). `dropout` and `batchNorm` (the
/// recipe's model options) may be searched too.
public struct TrainingConfiguration: Sendable, Equatable {
    public var learningRate: Double
    public var batchSize: Int
    public var optimizer: String
    public var weightDecay: Double
    public var hidden: [Int]?
    public var latent: Int
    /// Epochs when the space makes it a parameter; otherwise the objective's maximum.
    public var epochs: Int?
    /// Dropout before each fully connected layer (the recipe's `ModelZoo` option), 0 for none.
    public var dropout: Double
    /// Batch normalization after each hidden layer.
    public var batchNorm: Bool

    /// The values used when the space does not search a parameter: `atelier train`'s defaults.
    public static let defaults: [String: ParameterValue] = [
        "learningRate": .double(1e-3), "batchSize": .int(64), "optimizer": .string("adam"), "weightDecay": .double(0),
        "latent": .int(32), "dropout": .double(0), "batchNorm": .bool(false),
    ]

    /// Draws every parameter `model` uses. `suggest(name, fallbackDistribution)` returns the
    /// trial's value for a searched parameter, or nil when the space leaves it out.
    public init(model: String, suggest: (String) throws -> ParameterValue?) throws {
        func value(_ name: String) throws -> ParameterValue? {
            try suggest(name) ?? TrainingConfiguration.defaults[name]
        }
        func number(_ name: String) throws -> Double {
            let v = try value(name)
            guard let x = v?.doubleValue, x.isFinite, x >= 0 else {
                throw StudyError.invalidValue("\(name) must be a non-negative number, got \(v.map { "\($0)" } ?? "nothing")")
            }
            return x
        }
        func positive(_ name: String) throws -> Int? {
            guard let v = try value(name) else { return nil }
            guard let x = v.intValue, x > 0 else { throw StudyError.invalidValue("\(name) must be a positive integer, got \(v)") }
            return x
        }
        learningRate = try number("learningRate")
        guard learningRate > 0 else { throw StudyError.invalidValue("learningRate must be positive") }
        batchSize = try positive("batchSize")!
        guard let name = try value("optimizer")?.stringValue else { throw StudyError.invalidValue("optimizer must be a name (adam, sgd, momentum, nesterov, rmsprop)") }
        optimizer = name
        weightDecay = try number("weightDecay")
        latent = try positive("latent")!
        switch model {
        case "shallow", "autoencoder":
            hidden = try positive("hidden").map { [$0] }
        case "mlp":
            if let layers = try positive("layers") {
                hidden = try (0..<layers).map { k in
                    guard let width = try positive("units\(k)") else {
                        throw StudyError.invalidValue("layers is searched but units\(k) (or units) is not in the space")
                    }
                    return width
                }
            } else {
                hidden = nil
            }
        default:
            hidden = nil
        }
        epochs = try positive("epochs")
        dropout = try number("dropout")
        guard dropout < 1 else { throw StudyError.invalidValue("dropout must be in [0, 1), got \(dropout)") }
        switch try value("batchNorm") {
        case .bool(let on)?: batchNorm = on
        case .int(let on)?: batchNorm = on != 0
        case let other: throw StudyError.invalidValue("batchNorm must be true or false, got \(other.map { "\($0)" } ?? "nothing")")
        }
    }

    /// Seed 002's ranges for `model`: batch size 3-100, learning rate 1e-5-1e-1 (log), Adam or
    /// SGD; 500-2000 hidden units (shallow); 2-10 layers of 200-1000 units each and a dropout of
    /// 0-0.5 (mlp); a hidden
    /// width of 32-512 (log) and a code of 2-64 (log) for the autoencoder.
    public static func defaultSpace(model: String) -> [String: Distribution] {
        func float(_ low: Double, _ high: Double, log: Bool) -> Distribution {
            .float(try! FloatDistribution(low: low, high: high, log: log))
        }
        func int(_ low: Int, _ high: Int, log: Bool = false) -> Distribution {
            .int(try! IntDistribution(low: low, high: high, log: log))
        }
        var space: [String: Distribution] = [
            "learningRate": float(1e-5, 1e-1, log: true),
            "batchSize": int(3, 100),
            "optimizer": .categorical(try! CategoricalDistribution([.string("adam"), .string("sgd")])),
        ]
        switch model {
        case "shallow": space["hidden"] = int(500, 2000)
        case "mlp":
            space["layers"] = int(2, 10); space["units"] = int(200, 1000)
            // Seed 002 had no dropout; the recipe's dropout is searched for the deep MLP as the
            // studies report's storyline asks ("dropout when it exists").
            space["dropout"] = float(0, 0.5, log: false)
        case "autoencoder": space["hidden"] = int(32, 512, log: true); space["latent"] = int(2, 64, log: true)
        default: break
        }
        return space
    }

    /// The distribution `space` gives parameter `name`: its own, or the shared `units` one for a
    /// per-layer width `unitsK`.
    public static func distribution(for name: String, in space: [String: Distribution]) -> Distribution? {
        if let own = space[name] { return own }
        if name.hasPrefix("units"), Int(name.dropFirst(5)) != nil { return space["units"] }
        return nil
    }

    /// The `atelier train` arguments that retrain this configuration.
    public func trainArguments(model: String, dataset: String, epochs defaultEpochs: Int) -> [String] {
        var arguments = ["--model", model, "--dataset", dataset, "--epochs", "\(epochs ?? defaultEpochs)",
                         "--batch", "\(batchSize)", "--optimizer", optimizer, "--lr", "\(learningRate)"]
        if weightDecay > 0 { arguments += ["--weight-decay", "\(weightDecay)"] }
        if let hidden { arguments += ["--hidden", hidden.map(String.init).joined(separator: ",")] }
        if model == "autoencoder" { arguments += ["--latent", "\(latent)"] }
        if dropout > 0 { arguments += ["--dropout", "\(dropout)"] }
        if batchNorm { arguments += ["--batch-norm"] }
        return arguments
    }
}
