import LinearModels
import Metrics
import TensorCore
import TestSupport
import Testing

/// Logistic regression against scikit-learn run with `tol=1e-12` (its lbfgs then stops at the
/// optimum). Documented tolerance: 1e-6 relative on coefficients, intercepts, probabilities and
/// log-loss; both solvers reach it.
@Suite("LinearModels: logistic regression")
struct LogisticRegressionTests {
    typealias F = ScikitLearnFixtures
    static let binaryX = Tensor(shape: [40, 3], elements: F.binaryX)
    static let multiX = Tensor(shape: [60, 2], elements: F.multiX)

    static func expectClose(_ found: [Double], _ expected: [Double], tolerance: Double = 1e-6, _ what: String) {
        #expect(found.count == expected.count, "\(what): \(found.count) values, expected \(expected.count)")
        for (a, b) in zip(found, expected) {
            #expect(TestSupport.isClose(a, b, tolerance: tolerance), "\(what): \(found) vs scikit-learn \(expected)")
        }
    }

    @Test("binary, both solvers, two values of C", arguments: LogisticRegression.Solver.allCases)
    func binaryMatchesScikitLearn(solver: LogisticRegression.Solver) throws {
        for (c, coefficients, intercept) in [(1.0, F.binaryC1Coefficients, F.binaryC1Intercept), (0.1, F.binaryC01Coefficients, F.binaryC01Intercept)] {
            let model = try LogisticRegression(inverseRegularization: c, solver: solver).fit(Self.binaryX, labels: F.binaryY)
            #expect(model.converged, "\(solver) C=\(c): \(model.iterations) iterations, gradient \(model.gradientMaximum)")
            #expect(model.classes == [3, 8])
            Self.expectClose(model.coefficients[0], coefficients, "\(solver) C=\(c) coef_")
            Self.expectClose(model.intercepts, [intercept], "\(solver) C=\(c) intercept_")
        }
        let model = try LogisticRegression(solver: solver).fit(Self.binaryX, labels: F.binaryY)
        let probabilities = try model.predictProbabilities(Self.binaryX)
        for row in 0..<3 { Self.expectClose(probabilities[row], F.binaryProbabilitiesFirst3[row], "predict_proba row \(row)") }
        #expect(try model.score(Self.binaryX, labels: F.binaryY) == F.binaryAccuracy)
        #expect(TestSupport.isClose(try model.logLoss(Self.binaryX, labels: F.binaryY), F.binaryLogLoss, tolerance: 1e-6))
        #expect(Set(try model.predict(Self.binaryX)).isSubset(of: [3, 8]))
    }

    @Test func sampleWeightsMatchScikitLearn() throws {
        let model = try LogisticRegression(inverseRegularization: 0.5).fit(Self.binaryX, labels: F.binaryY, sampleWeights: F.binaryWeights)
        Self.expectClose(model.coefficients[0], F.weightedCoefficients, "weighted coef_")
        Self.expectClose(model.intercepts, [F.weightedIntercept], "weighted intercept_")
        // Weight 2 on every row is the same as C doubled.
        let doubled = try LogisticRegression(inverseRegularization: 2).fit(Self.binaryX, labels: F.binaryY)
        let twice = try LogisticRegression(inverseRegularization: 1).fit(Self.binaryX, labels: F.binaryY,
                                                                         sampleWeights: [Double](repeating: 2, count: 40))
        Self.expectClose(twice.coefficients[0], doubled.coefficients[0], tolerance: 1e-8, "weights 2 vs C 2")
    }

    @Test("multinomial, both solvers", arguments: LogisticRegression.Solver.allCases)
    func multinomialMatchesScikitLearn(solver: LogisticRegression.Solver) throws {
        let model = try LogisticRegression(solver: solver).fit(Self.multiX, labels: F.multiY)
        #expect(model.converged)
        #expect(model.classes == [2, 5, 7])
        for k in 0..<3 { Self.expectClose(model.coefficients[k], F.multiCoefficients[k], "\(solver) class \(k) coef_") }
        Self.expectClose(model.intercepts, F.multiIntercepts, "\(solver) intercept_")
        let probabilities = try model.predictProbabilities(Self.multiX)
        for row in 0..<3 { Self.expectClose(probabilities[row], F.multiProbabilitiesFirst3[row], "predict_proba row \(row)") }
        #expect(try model.score(Self.multiX, labels: F.multiY) == F.multiAccuracy)
        #expect(TestSupport.isClose(try model.logLoss(Self.multiX, labels: F.multiY), F.multiLogLoss, tolerance: 1e-6))
        let strong = try LogisticRegression(inverseRegularization: 0.05, solver: solver).fit(Self.multiX, labels: F.multiY)
        for k in 0..<3 { Self.expectClose(strong.coefficients[k], F.multiC005Coefficients[k], "\(solver) C=0.05 class \(k) coef_") }
        Self.expectClose(strong.intercepts, F.multiC005Intercepts, "\(solver) C=0.05 intercept_")
    }

    @Test func badInputIsRejectedWithReasons() throws {
        let x = Tensor(shape: [3, 1], elements: [0, 1, 2])
        #expect(throws: LinearModelError.singleClass(label: 4)) { try LogisticRegression().fit(x, labels: [4, 4, 4]) }
        #expect(throws: LinearModelError.lengthMismatch(what: "labels", expected: 3, found: 2)) { try LogisticRegression().fit(x, labels: [0, 1]) }
        #expect(throws: LinearModelError.self) { try LogisticRegression(inverseRegularization: 0).fit(x, labels: [0, 1, 1]) }
        #expect(throws: LinearModelError.nonFinite(what: "the features")) {
            try LogisticRegression().fit(Tensor(shape: [3, 1], elements: [0, .nan, 2]), labels: [0, 1, 1])
        }
        let model = try LogisticRegression().fit(x, labels: [0, 1, 1])
        #expect(throws: LinearModelError.self) { try model.logLoss(x, labels: [0, 1, 9]) }
    }

    @Test func constantFeatureGetsAZeroCoefficient() throws {
        // With an unpenalised intercept, a constant column cannot help: its coefficient is 0.
        var values: [Float] = []
        for r in 0..<40 { values += [F.binaryX[r * 3], 5] }
        let model = try LogisticRegression().fit(Tensor(shape: [40, 2], elements: values), labels: F.binaryY)
        #expect(abs(model.coefficients[0][1]) < 1e-9)
    }
}
