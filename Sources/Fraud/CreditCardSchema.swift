/// The columns of the Kaggle "Credit Card Fraud Detection" file `creditcard.csv`
/// (ULB Machine Learning Group): `Time, V1...V28, Amount, Class`.
public enum CreditCardSchema {
    /// The 30 feature columns in file order: Time, V1...V28, Amount.
    public static let featureNames: [String] = ["Time"] + (1...28).map { "V\($0)" } + ["Amount"]
    /// The class column: 1 for fraud, 0 for legit.
    public static let className = "Class"
    /// All 31 columns in file order.
    public static let columnNames: [String] = featureNames + [className]

    /// Checks a header. Columns may come in any order, but each of the 31 must appear exactly
    /// once and nothing else may. Names are compared exactly (the CSV reader strips the quotes).
    /// - Throws: `FraudError.wrongSchema` naming the missing, unexpected and duplicated columns.
    public static func validate(_ names: [String], path: String) throws {
        let expected = Set(columnNames)
        var seen: Set<String> = []
        var duplicated: [String] = []
        for name in names where !seen.insert(name).inserted && !duplicated.contains(name) { duplicated.append(name) }
        let missing = columnNames.filter { !seen.contains($0) }
        let unexpected = names.filter { !expected.contains($0) }
        if !missing.isEmpty || !unexpected.isEmpty || !duplicated.isEmpty {
            throw FraudError.wrongSchema(path: path, missing: missing, unexpected: unexpected, duplicated: duplicated)
        }
    }
}
