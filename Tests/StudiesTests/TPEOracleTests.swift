import Foundation
@testable import Studies
import Testing

/// TPE's numbers against Optuna 5.1's on the same observations (`TPEFixtures`, made by
/// `Benchmarks/python/tpe_fixtures.py`): kernel weights, centres and widths for every kind of
/// parameter, the mixture's log density, and the below/above split.
@Suite("TPE against Optuna 5.1")
struct TPEOracleTests {
    static let names = ["x", "lr", "units", "layers", "drop", "opt"]
    static let distributions: [Distribution] = [
        .float(try! FloatDistribution(low: -5, high: 10)),
        .float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true)),
        .int(try! IntDistribution(low: 16, high: 512)),
        .int(try! IntDistribution(low: 1, high: 64, log: true)),
        .float(try! FloatDistribution(low: 0, high: 0.5, step: 0.1)),
        .categorical(try! CategoricalDistribution([.string("sgd"), .string("adam"), .string("rmsprop")])),
    ]

    static func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    static var estimator: ParzenEstimator {
        ParzenEstimator(observations: names.map { TPEFixtures.observations[$0]! }, distributions: distributions)
    }

    @Test func kernelWeightsCentresAndWidthsMatchOptuna() throws {
        let estimator = Self.estimator
        #expect(Self.close(estimator.weights, TPEFixtures.weights))
        let expected: [(mus: [Double], sigmas: [Double])?] = [
            (TPEFixtures.xMus, TPEFixtures.xSigmas), (TPEFixtures.lrMus, TPEFixtures.lrSigmas),
            (TPEFixtures.unitsMus, TPEFixtures.unitsSigmas), (TPEFixtures.layersMus, TPEFixtures.layersSigmas),
            (TPEFixtures.dropMus, TPEFixtures.dropSigmas), nil,
        ]
        for (p, kernels) in estimator.kernels.enumerated() {
            switch kernels {
            case .numerical(let mus, let sigmas, _, _, _, _, _, _):
                let reference = try #require(expected[p])
                #expect(Self.close(mus, reference.mus), "\(Self.names[p]) centres")
                // Tied observations share their widths up to the order numpy's argsort gives ties;
                // compare as multisets, and exactly where the observation is unique.
                #expect(Self.close(sigmas.sorted(), reference.sigmas.sorted()), "\(Self.names[p]) widths")
                let column = TPEFixtures.observations[Self.names[p]]!
                for (k, value) in column.enumerated() where column.filter({ $0 == value }).count == 1 {
                    #expect(abs(sigmas[k] - reference.sigmas[k]) <= 1e-12 * max(1, reference.sigmas[k]), "\(Self.names[p]) width \(k)")
                }
            case .categorical(let probabilities, _):
                #expect(Self.close(probabilities, TPEFixtures.optProbabilities))
            }
        }
    }

    @Test func logDensityMatchesOptuna() {
        // Observations without ties: numpy's argsort orders tied values arbitrarily (x86-simd-sort
        // on this AVX-512 machine), handing tied kernels each other's widths (the same widths, on
        // other kernels), which changes a joint density a little.
        let rows = (0..<4).map { r in Self.names.map { TPEFixtures.points[$0]![r] } }
        let small = ParzenEstimator(observations: Self.names.map { TPEFixtures.smallObservations[$0]! },
                                    distributions: Self.distributions)
        #expect(Self.close(small.logDensity(rows), TPEFixtures.smallLogDensities, tolerance: 1e-9))
        // With 30 observations and ties the densities still agree to within 1%.
        #expect(Self.close(Self.estimator.logDensity(rows), TPEFixtures.logDensities, tolerance: 1e-2))
    }

    @Test func rampedWeightsAndClippedWidthsWithManyObservations() {
        let estimator = ParzenEstimator(observations: [TPEFixtures.bigObservations],
                                        distributions: [.float(try! FloatDistribution(low: -5, high: 10))])
        #expect(Self.close(estimator.weights, TPEFixtures.bigWeights))
        if case .numerical(_, let sigmas, _, _, _, _, _, _) = estimator.kernels[0] {
            #expect(Self.close(sigmas, TPEFixtures.bigSigmas))
        }
        let rows = [-4.9, 0.0, 2.5, 7.7].map { [$0] }
        #expect(Self.close(estimator.logDensity(rows), TPEFixtures.bigLogDensities, tolerance: 1e-9))
    }

    @Test func splitMatchesOptuna() {
        // The trials of tpe_fixtures.py: values, PRUNED (2: steps 0-1, 7: step 0) and RUNNING (5, 10).
        let values: [Double?] = [3, 1, nil, 2, 1, nil, 5, nil, 0.5, 4, nil, 2.5]
        let trials = values.enumerated().map { i, value -> FrozenTrial in
            if let value { return FrozenTrial(id: Int64(i), number: i, state: .complete, values: [value]) }
            if i == 2 { return FrozenTrial(id: 2, number: 2, state: .pruned, intermediateValues: [0: 9, 1: 2]) }
            if i == 7 { return FrozenTrial(id: 7, number: 7, state: .pruned, intermediateValues: [0: 1]) }
            return FrozenTrial(id: Int64(i), number: i, state: .running)
        }
        let expected: [StudyDirection: [Int: [Int]]] = [
            .minimize: [3: [1, 4, 8], 6: [0, 1, 3, 4, 8, 11], 9: [0, 1, 2, 3, 4, 6, 8, 9, 11]],
            .maximize: [3: [0, 6, 9], 6: [0, 1, 3, 6, 9, 11], 9: [0, 1, 2, 3, 4, 6, 8, 9, 11]],
        ]
        for (direction, cases) in expected {
            let records = trials.map { TPESampler.SplitRecord($0, direction: direction) }
            for (count, below) in cases {
                let isBelow = TPESampler.split(records, belowCount: count)
                #expect(trials.indices.filter { isBelow[$0] } == below, "\(direction) \(count)")
            }
        }
    }

    @Test func defaultGammaAndWeights() {
        #expect([0, 1, 10, 11, 100, 245, 251, 1000].map(TPESampler.defaultGamma) == [0, 1, 1, 2, 10, 25, 25, 25])
        #expect(ParzenEstimator.defaultWeights(3) == [1, 1, 1])
        let w = ParzenEstimator.defaultWeights(30)
        #expect(w.count == 30 && abs(w[0] - 1.0 / 30) < 1e-15 && w[4] == 1 && w[29] == 1)
    }
}

@Suite("TPE group decomposition against Optuna 5.1")
struct TPEGroupTests {
    @Test func groupsMatchOptunasSearchSpaceGroup() throws {
        // Optuna 5.1's _SearchSpaceGroup on the same four trials gives
        // [['layers', 'u0'], ['lr'], ['opt'], ['u1'], ['u2']].
        let layers = Distribution.int(try IntDistribution(low: 1, high: 3))
        let units = Distribution.int(try IntDistribution(low: 16, high: 512))
        let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))
        let opt = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let spaces: [[String: Distribution]] = [
            ["layers": layers, "u0": units],
            ["layers": layers, "u0": units, "u1": units, "lr": lr],
            ["layers": layers, "u0": units, "u1": units, "u2": units, "lr": lr],
            ["opt": opt, "lr": lr],
        ]
        let trials = spaces.enumerated().map { FrozenTrial(id: Int64($0.offset), number: $0.offset, state: .complete, values: [0], distributions: $0.element) }
        let groups = TPESampler.groups(trials).map { $0.keys.sorted() }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(groups == [["layers", "u0"], ["lr"], ["opt"], ["u1"], ["u2"]])
    }

    @Test func groupedTPEProposesDependentParametersJointly() throws {
        let study = try Study.create(name: "grouped", sampler: TPESampler(seed: 4, startupTrials: 5, group: true))
        try study.optimize(trials: 20) { trial in
            let layers = try trial.suggestInt("layers", in: 1...3)
            var total = 0.0
            for i in 0..<layers { total += Double(try trial.suggestInt("units_\(i)", in: 16...512, log: true)) }
            return abs(total - 300) / 100 + Double(layers)
        }
        // Every trial after the startup ones was proposed through the relative (grouped) path,
        // which shares its proposal under Optuna's key; it covers the dependent widths too.
        let shared = try study.trials.dropFirst(5).compactMap { trial -> [String: ParameterValue]? in
            guard case .string(let text)? = trial.systemAttributes["tpe:relative_params:0"] else { return nil }
            return try JSONDecoder().decode([String: ParameterValue].self, from: Data(text.utf8))
        }
        #expect(shared.count == 15)
        #expect(shared.contains { $0["units_1"] != nil })
    }
}
