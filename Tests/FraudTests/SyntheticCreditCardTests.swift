import Datasets
import FeatureSelection
import Foundation
import Fraud
import TestSupport
import Testing

/// The synthetic generator: deterministic per seed, per-class statistics within sampling error.
@Suite struct SyntheticCreditCardTests {
    static var statistics: PublishedStatistics {
        try! PublishedStatistics.load(TestSupport.repositoryRoot.appendingPathComponent("datasets/creditcard/creditcard_stats.csv").path)
    }

    @Test func defaultImbalanceIsThePublishedOne() {
        #expect(SyntheticCreditCard(rows: 284_807).fraudRows == 492)
        #expect(SyntheticCreditCard(rows: 10_000).fraudRows == 17)
    }

    @Test func deterministicPerSeed() throws {
        let stats = Self.statistics
        let a = try SyntheticCreditCard(rows: 500, fraudRows: 20, seed: 1).generateMatrix(statistics: stats)
        let b = try SyntheticCreditCard(rows: 500, fraudRows: 20, seed: 1).generateMatrix(statistics: stats)
        let c = try SyntheticCreditCard(rows: 500, fraudRows: 20, seed: 2).generateMatrix(statistics: stats)
        #expect(a == b)
        #expect(a != c)
        let directory = TestSupport.temporaryDirectory("fraud-synth")
        let first = directory.appendingPathComponent("a.csv").path, second = directory.appendingPathComponent("b.csv").path
        try SyntheticCreditCard(rows: 300, fraudRows: 10, seed: 4).write(to: first, statistics: stats)
        try SyntheticCreditCard(rows: 300, fraudRows: 10, seed: 4).write(to: second, statistics: stats)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    }

    @Test func writtenFileReadsBackAsSynthetic() throws {
        let path = TestSupport.temporaryDirectory("fraud-synth").appendingPathComponent("cc.csv").path
        let written = try SyntheticCreditCard(rows: 400, fraudRows: 12, seed: 9).write(to: path, statistics: Self.statistics)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("\"Time\",\"V1\","))
        #expect(text.split(separator: "\n")[1].hasSuffix(",\"0\"") || text.split(separator: "\n")[1].hasSuffix(",\"1\""))
        let read = try CreditCardData.load(path)
        #expect(read.source == .synthetic(path: path, seed: 9))
        #expect(read.source.label.contains("synthetic"))
        #expect(read.labels == written.labels)
        #expect(read.fraudCount == 12)
        let times = try read.features.column("Time")
        #expect(times == times.sorted())
        // 6 decimals written, Float32 read back.
        for (x, y) in zip(read.features.values.elements, written.features.values.elements) { #expect(abs(x - y) <= 5e-7 + 2e-7 * abs(y)) }
    }

    /// Means within 4 standard errors and standard deviations within 4 standard errors of the
    /// sample std (normal theory: se(s) ~ sigma / sqrt(2 (n - 1))), per class, on 4000 rows with
    /// 1000 frauds.
    @Test func matchesPublishedMomentsWithinSamplingError() throws {
        let stats = Self.statistics
        let data = try SyntheticCreditCard(rows: 4000, fraudRows: 1000, seed: 11).generate(statistics: stats)
        let summary = ClassSummary(data)
        for feature in CreditCardSchema.featureNames where feature != "Amount" {
            for label in 0...1 {
                let expected = (label == 1 ? stats.fraud : stats.legit)[feature]!
                let row = summary.row(feature, label: label)!
                let n = Double(row.count)
                #expect(abs(row.mean - expected.mean) < 4 * expected.standardDeviation / n.squareRoot(), "\(feature) class \(label) mean")
                // Time is a Beta, not a normal: allow a looser std check there.
                let factor = feature == "Time" ? 6.0 : 4.0
                #expect(abs(row.standardDeviation - expected.standardDeviation) < factor * expected.standardDeviation / (2 * (n - 1)).squareRoot(),
                        "\(feature) class \(label) std")
            }
        }
        // Time ranges, and Amount non-negative with the published quartiles (log scale, 4 se).
        let legitTime = summary.row("Time", label: 0)!, fraudTime = summary.row("Time", label: 1)!
        #expect(legitTime.minimum == 0 && legitTime.maximum == 172_792)
        #expect(fraudTime.minimum == 406 && fraudTime.maximum == 170_348)
        let legitAmount = summary.row("Amount", label: 0)!, fraudAmount = summary.row("Amount", label: 1)!
        #expect(legitAmount.minimum >= 0 && legitAmount.maximum <= 25_691.16)
        #expect(fraudAmount.minimum >= 0 && fraudAmount.maximum <= 2_125.87 + 1e-3)
        #expect(abs(log(legitAmount.firstQuartile / 5.65)) < 0.25 && abs(log(legitAmount.thirdQuartile / 77.05)) < 0.25)
        #expect(abs(log(legitAmount.median / 22.0)) < 0.25)
        #expect(abs(log(fraudAmount.firstQuartile / 1.00)) < 0.6 && abs(log(fraudAmount.thirdQuartile / 105.89)) < 0.6)
        #expect(legitAmount.mean > legitAmount.median)   // right-skewed
    }

    /// On data with the published statistics the top four by ANOVA F are V17, V14, V12, V10.
    @Test func topFeaturesAreThePublishedOnes() throws {
        let data = try SyntheticCreditCard(rows: 20_000, fraudRows: 1000, seed: 0).generate(statistics: Self.statistics)
        let ranking = try FeatureRelevanceAnalysis(rankBy: .anovaF).fit(data.features, labels: data.labels)
        #expect(Set(ranking.top(4)) == ["V17", "V14", "V12", "V10"])
        #expect(Set(ranking.reranked(by: .pointBiserial).top(4)) == ["V17", "V14", "V12", "V10"])
    }

    @Test func badGeneratorArguments() {
        #expect(throws: FraudError.self) { try SyntheticCreditCard(rows: 10, fraudRows: 9).generate(statistics: Self.statistics) }
        #expect(throws: FraudError.self) { try PublishedStatistics.load(CreditCardFileTests.write("feature,mean_legit,std_legit,mean_fraud,std_fraud,source\nV1,0,1,0,1,x\n")) }
        #expect(throws: DatasetError.self) { try PublishedStatistics.load(CreditCardFileTests.write("feature,mean_legit,std_legit,mean_fraud,std_fraud,source\nV1,zero,1,0,1,x\n")) }
    }
}
