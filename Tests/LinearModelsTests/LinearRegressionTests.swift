import LinearModels
import Metrics
import TensorCore
import TestSupport
import Testing

/// Closed forms against scikit-learn (`Benchmarks/python/linear_models_fixtures.py`), to 1e-6
/// relative as the issue asks, and against each other.
@Suite("LinearModels: least squares and ridge")
struct LinearRegressionTests {
    typealias F = ScikitLearnFixtures
    static let x = Tensor(shape: [30, 3], elements: F.regressionX)

    static func expectClose(_ found: [Double], _ expected: [Double], tolerance: Double = 1e-6, _ what: String) {
        #expect(found.count == expected.count, "\(what): \(found.count) values, expected \(expected.count)")
        for (a, b) in zip(found, expected) {
            #expect(TestSupport.isClose(a, b, tolerance: tolerance), "\(what): \(found) vs scikit-learn \(expected)")
        }
    }

    @Test func ordinaryLeastSquaresMatchesScikitLearn() throws {
        let model = try LinearRegression().fit(Self.x, targets: F.regressionY)
        Self.expectClose(model.coefficients, F.olsCoefficients, "coef_")
        Self.expectClose([model.intercept], [F.olsIntercept], "intercept_")
        #expect(model.rank == 3)
        let r2 = try model.score(Self.x, targets: F.regressionY)
        #expect(TestSupport.isClose(r2, F.olsR2, tolerance: 1e-9))
        let mse = try meanSquaredError(predictions: model.predict(Self.x), targets: F.regressionY)
        #expect(TestSupport.isClose(mse, F.olsMSE, tolerance: 1e-6))
    }

    @Test func withoutInterceptMatchesScikitLearn() throws {
        let model = try LinearRegression(fitsIntercept: false).fit(Self.x, targets: F.regressionY)
        Self.expectClose(model.coefficients, F.olsNoInterceptCoefficients, "coef_ without intercept")
        #expect(model.intercept == 0)
    }

    @Test func collinearColumnsGiveTheMinimumNormSolution() throws {
        var values = F.regressionX
        for r in 0..<30 { values[r * 3 + 2] = 2 * values[r * 3] }
        let model = try LinearRegression().fit(Tensor(shape: [30, 3], elements: values), targets: F.regressionY)
        #expect(model.rank == 2)
        Self.expectClose(model.coefficients, F.collinearCoefficients, "minimum-norm coef_")
        Self.expectClose([model.intercept], [F.collinearIntercept], "intercept_")
    }

    @Test func ridgeMatchesScikitLearn() throws {
        let one = try Ridge(alpha: 1).fit(Self.x, targets: F.regressionY)
        Self.expectClose(one.coefficients, F.ridgeCoefficients, "Ridge(alpha=1).coef_")
        Self.expectClose([one.intercept], [F.ridgeIntercept], "Ridge(alpha=1).intercept_")
        let strong = try Ridge(alpha: 25).fit(Self.x, targets: F.regressionY)
        Self.expectClose(strong.coefficients, F.ridge25Coefficients, "Ridge(alpha=25).coef_")
        Self.expectClose([strong.intercept], [F.ridge25Intercept], "Ridge(alpha=25).intercept_")
        // The penalty shrinks: every coefficient's magnitude falls as alpha grows.
        let ols = try LinearRegression().fit(Self.x, targets: F.regressionY)
        for j in 0..<3 { #expect(abs(strong.coefficients[j]) < abs(ols.coefficients[j])) }
    }

    @Test func ridgeWithMoreColumnsThanRowsMatchesScikitLearn() throws {
        let x = Tensor(shape: [6, 9], elements: F.wideX)
        let model = try Ridge(alpha: 0.5).fit(x, targets: F.wideY)
        Self.expectClose(model.coefficients, F.wideRidgeCoefficients, "wide Ridge coef_")
        Self.expectClose([model.intercept], [F.wideRidgeIntercept], "wide Ridge intercept_")
        // Exact least squares refuses and says what to use.
        #expect(throws: LinearModelError.underdetermined(rows: 6, features: 9, intercept: true)) {
            try LinearRegression().fit(x, targets: F.wideY)
        }
        #expect(LinearModelError.underdetermined(rows: 6, features: 9, intercept: true).description.contains("use ridge"))
    }

    @Test func ridgeWithZeroAlphaIsLeastSquares() throws {
        let ridge = try Ridge(alpha: 0).fit(Self.x, targets: F.regressionY)
        let ols = try LinearRegression().fit(Self.x, targets: F.regressionY)
        Self.expectClose(ridge.coefficients, ols.coefficients, tolerance: 1e-9, "Ridge(alpha=0) vs least squares")
        Self.expectClose([ridge.intercept], [ols.intercept], tolerance: 1e-9, "intercepts")
    }

    @Test func exactDataIsRecoveredAndBadInputIsRejected() throws {
        // y = 3 x1 - x2 + 2 exactly: the fit recovers it and R² is 1.
        let x = Tensor(shape: [4, 2], elements: [0, 0, 1, 0, 0, 1, 2, 3])
        let y = [2.0, 5, 1, 5]
        let model = try LinearRegression().fit(x, targets: y)
        Self.expectClose(model.coefficients, [3, -1], tolerance: 1e-12, "exact coefficients")
        #expect(abs(model.intercept - 2) < 1e-12)
        #expect(try model.score(x, targets: y) == 1)
        #expect(throws: LinearModelError.lengthMismatch(what: "targets", expected: 4, found: 3)) {
            try LinearRegression().fit(x, targets: [1.0, 2, 3])
        }
        #expect(throws: LinearModelError.nonFinite(what: "the targets")) { try LinearRegression().fit(x, targets: [1, Double.nan, 2, 3]) }
        #expect(throws: LinearModelError.featureCountMismatch(expected: 2, found: 3)) {
            try model.predict(Tensor(shape: [1, 3], elements: [1, 2, 3]))
        }
        #expect(throws: LinearModelError.self) { try Ridge(alpha: -1).fit(x, targets: y) }
    }

    @Test func metricsMatchScikitLearn() throws {
        #expect(TestSupport.isClose(try r2Score(predictions: F.metricPredictions, targets: F.metricTargets), F.metricR2, tolerance: 1e-12))
        #expect(TestSupport.isClose(try meanSquaredError(predictions: F.metricPredictions, targets: F.metricTargets), F.metricMSE, tolerance: 1e-12))
        #expect(TestSupport.isClose(try logLoss(probabilities: F.metricProbabilities, labels: F.metricLogLossLabels), F.metricLogLoss, tolerance: 1e-12))
        #expect(try r2Score(predictions: [1, 1], targets: [1, 1]) == 1)
        #expect(try r2Score(predictions: [1, 2], targets: [1, 1]) == 0)
        #expect(throws: RegressionMetricError.lengthMismatch(predictions: 1, targets: 2)) { try r2Score(predictions: [1], targets: [1, 2]) }
    }
}
