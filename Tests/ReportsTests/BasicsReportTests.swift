import Datasets
import Foundation
import LinearModels
@testable import Reports
import TestSupport
import Testing

/// The basics report's content in the `tiny` run every report test shares.
@Suite("Reports: basics")
struct BasicsReportTests {
    @Test func everyStepLeavesItsFigureAndNumbers() throws {
        let output = try TinyRun.output()
        let metrics = try #require(output.metrics["basics"])
        for key in ["linearRegression", "perceptron", "fourGaussians", "checkerboard", "digits", "convolutions"] {
            #expect(metrics[key] != nil, "metric \(key)")
        }
        let figures = try FileManager.default.contentsOfDirectory(atPath: "\(output.root)/basics/figures").sorted()
        #expect(figures == ["checkerboard.png", "convolutions.png", "digits_loss.png", "digits_predictions.png", "divergence.png",
                            "four_gaussians.png", "four_gaussians_loss.png", "linear_regression.png", "linear_step_sizes.png", "perceptron.png"])
        // One checkerboard run per combination of the profile's grid.
        let sizes = BasicsReport.sizes(.tiny)
        guard case let .array(runs)? = metrics["checkerboard"]?["runs"] else { Issue.record("no checkerboard runs"); return }
        #expect(runs.count == sizes.boardEpochs.count * sizes.boardBatchCounts.count * sizes.boardRates.count)
        // Separable blobs: even the tiny budget separates them.
        #expect((metrics["perceptron"]?["testAccuracy"]?.number ?? 0) >= 0.9)
    }

    /// The exact line the report prints is LinearModels' fit of the same seeded data and split.
    @Test func linearRegressionNumbersAreTheLibrarys() throws {
        let output = try TinyRun.output()
        let reported = try #require(output.metrics["basics"]?["linearRegression"])
        let data = try Toy.regression(samples: BasicsReport.sizes(.tiny).regressionSamples, features: 1, noise: 25, seed: 0)
        let (train, _) = try BasicsReport.split(data, seed: 0)
        let fit = try LinearRegression().fit(train.features, targets: train.targets!)
        #expect(reported["exactSlope"]?.number == fit.coefficients[0])
        #expect(reported["exactIntercept"]?.number == fit.intercept)
        #expect(reported["trueSlope"]?.number == data.coefficients![0])
    }
}
