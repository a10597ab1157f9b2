import Foundation
import Studies
@testable import StudyViews
import Testing

/// The numbers behind the figures, against SciPy and Optuna on fixed data.
@Suite struct StudyAnalysisTests {
    @Test func spearmanMatchesSciPyWithTiesAndConstantColumns() {
        let a: [Double] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3], b: [Double] = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]
        let c = [Double](repeating: 1, count: 10), d = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0]
        // scipy.stats.rankdata(b).tolist()
        #expect(SpearmanCorrelation.ranks(b) == [4.0, 6.0, 1.5, 8.5, 4.0, 8.5, 1.5, 8.5, 4.0, 8.5])
        let matrix = SpearmanCorrelation.matrix([a, b, c, d])
        // scipy 1.x: st.spearmanr(a, b).statistic, st.spearmanr(a, d).statistic, st.spearmanr(b, d).statistic
        #expect(abs(matrix[0][1] - 0.13471506281091267) < 1e-12)
        #expect(abs(matrix[0][3] - 0.15291163404532784) < 1e-12)
        #expect(abs(matrix[1][3] - -0.8581163303210332) < 1e-12)
        #expect(matrix[1][0] == matrix[0][1] && matrix[0][0] == 1)
        // st.spearmanr(a, c).statistic is nan (ConstantInputWarning), so is c's own diagonal cell.
        #expect(matrix[0][2].isNaN && matrix[2][2].isNaN && matrix[2][3].isNaN)
    }

    /// 40 trials built the same way as in the Python line below, where Optuna 5.1's
    /// `get_param_importances(study)` (PED-ANOVA by default) gave the oracle numbers:
    /// lr = 10 ** (-5 + 4 * ((i * 37) % 40) / 39); units = 16 + (i * 53) % 241;
    /// optimizer = ["adam", "sgd", "rmsprop"][i % 3]; dropout = ((i * 17) % 40) / 80;
    /// value = 0.99 - 0.02 * (log10(lr) + 3) ** 2 - 0.002 * abs(units - 128) / 128 - 0.001 * (i % 3) - 0.002 * dropout
    static func oracleTrials(sign: Double) throws -> [FrozenTrial] {
        let distributions: [String: Distribution] = [
            "lr": .float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true)), "units": .int(try IntDistribution(low: 16, high: 256)),
            "optimizer": .categorical(try CategoricalDistribution([.string("adam"), .string("sgd"), .string("rmsprop")])),
            "dropout": .float(try FloatDistribution(low: 0, high: 0.5)),
        ]
        return (0..<40).map { i in
            let lr = pow(10, -5 + 4 * Double((i * 37) % 40) / 39), units = Double(16 + (i * 53) % 241)
            let dropout = Double((i * 17) % 40) / 80
            let value = 0.99 - 0.02 * pow(log10(lr) + 3, 2) - 0.002 * abs(units - 128) / 128 - 0.001 * Double(i % 3) - 0.002 * dropout
            return FrozenTrial(id: Int64(i), number: i, state: .complete, values: [sign * value],
                               params: ["lr": lr, "units": units, "optimizer": Double(i % 3), "dropout": dropout], distributions: distributions)
        }
    }

    @Test(arguments: [StudyDirection.maximize, .minimize])
    func pedAnovaMatchesOptuna(direction: StudyDirection) throws {
        let trials = try Self.oracleTrials(sign: direction == .maximize ? 1 : -1)
        let names = ["lr", "units", "optimizer", "dropout"]
        let normalised = PedAnovaImportance.importances(of: trials, parameters: names, direction: direction)
        let optuna = ["lr": 0.8415252636346431, "units": 0.13287241059841878, "optimizer": 0.02408674976918498, "dropout": 0.0015155759977533848]
        for name in names { #expect(abs(normalised[name]! - optuna[name]!) < 1e-9, "\(name): \(normalised[name]!) vs \(optuna[name]!)") }
        // PedAnovaImportanceEvaluator().evaluate(study), before normalisation.
        let raw = PedAnovaImportance.rawImportances(of: trials, parameters: names, direction: direction)
        let optunaRaw = ["lr": 0.02636492683381188, "units": 0.004162883201543976, "optimizer": 0.00075463616218254, "dropout": 4.7482888534167206e-05]
        for name in names { #expect(abs(raw[name]! / optunaRaw[name]! - 1) < 1e-9, "\(name): \(raw[name]!) vs \(optunaRaw[name]!)") }
    }

    @Test func pedAnovaFindsTheDominantParameterOfASyntheticObjective() {
        // value depends on "b" only; "a" and "c" are independent uniform draws that do not matter.
        let distribution = Distribution.float(try! FloatDistribution(low: 0, high: 1))
        var random = StudyFixtures.Random(state: 7)
        let trials = (0..<200).map { i -> FrozenTrial in
            let a = random.next(), b = random.next(), c = random.next()
            return FrozenTrial(id: Int64(i), number: i, state: .complete, values: [(b - 0.3) * (b - 0.3)],
                               params: ["a": a, "b": b, "c": c], distributions: ["a": distribution, "b": distribution, "c": distribution])
        }
        let importances = PedAnovaImportance.importances(of: trials, parameters: ["a", "b", "c"], direction: .minimize)
        #expect(importances["b"]! > 0.8 && importances["b"]! > 5 * max(importances["a"]!, importances["c"]!), "\(importances)")
    }

    @Test func errorsSayWhatTheFigureNeeds() throws {
        let empty = StudySnapshot(name: "e", direction: .minimize, trials: [
            FrozenTrial(id: 1, number: 0, state: .fail, params: ["x": 1], distributions: ["x": .float(try FloatDistribution(low: 0, high: 2))]),
        ])
        for kind in [StudyPlotKind.history, .parallel, .slice, .contour, .importance, .correlation] {
            #expect(throws: StudyViewsError.self) { try StudyPlots.figure(kind, of: empty) }
        }
        #expect(throws: StudyViewsError.noCompletedTrials(study: "e", kind: .history, filter: nil)) { try StudyPlots.figure(.history, of: empty) }
        let fixture = StudyFixtures.study()
        #expect(throws: StudyViewsError.unknownParameter("momentum", known: ["dropout", "lr", "optimizer", "units"])) {
            try StudyPlots.figure(.slice, of: fixture, options: StudyPlotOptions(parameters: ["lr", "momentum"]))
        }
        #expect(throws: StudyViewsError.tooFewParameters(kind: .contour, needed: 2, found: ["lr"])) {
            try StudyPlots.figure(.contour, of: fixture, options: StudyPlotOptions(parameters: ["lr"]))
        }
        let filtered = StudyPlotOptions(minimumValue: 2)
        #expect(throws: StudyViewsError.noCompletedTrials(study: "fixture", kind: .slice, filter: "value ≥ 2")) {
            try StudyPlots.figure(.slice, of: fixture, options: filtered)
        }
        #expect(StudyViewsError.tooFewParameters(kind: .contour, needed: 2, found: ["lr"]).description
                == "the contour figure needs at least 2 parameters, found 1 (lr)")
        #expect(throws: StudyViewsError.self) { try StudyPlots.figure(.intermediate, of: empty) }
    }
}
