/// Keys of `metrics.json` built from names, in the one casing every JSON key Atelier writes uses
/// (CONVENTIONS.md, "Names in output"): lowerCamelCase, with Swift's rule for initialisms (all
/// capitals inside a key, all lower case at its start), so the report keys read like the CLI's
/// `--json` keys, which are Swift property names (`rocAUC`, `klDivergence`).
public enum MetricKey {
    /// Initialisms written in capitals when they are not the first word.
    static let initialisms: Set<String> = ["mnist", "mlp", "cnn", "mse", "auc", "auprc", "roc", "kl", "pca", "nmi", "ari", "f1"]

    /// Joins words and names (`"fashion-mnist"`, `"lenet5"`, `"train_count"`) into one key:
    /// `join("fashion-mnist", "lenet5")` is `fashionMNISTLenet5`, `join("mnist", "train", "count")`
    /// is `mnistTrainCount`.
    public static func join(_ parts: String...) -> String { join(parts) }

    public static func join(_ parts: [String]) -> String {
        let words = parts.flatMap { $0.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " }) }.map { $0.lowercased() }
        return words.enumerated().map { index, word in
            if index == 0 { return word }
            return initialisms.contains(word) ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
    }

    /// True when `key` is lowerCamelCase: a lower-case letter, then letters and digits only.
    public static func isLowerCamelCase(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}
