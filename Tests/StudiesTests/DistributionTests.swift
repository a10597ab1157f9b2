import Foundation
import Studies
import Testing

@Suite("Distributions in Optuna's JSON")
struct DistributionTests {
    @Test func writesWhatOptunaWrites() throws {
        // Strings as optuna.distributions.distribution_to_json (Optuna 5.1) writes them.
        let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 0.1, log: true))
        #expect(lr.optunaJSON == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}"#)
        let units = Distribution.int(try IntDistribution(low: 16, high: 512, step: 16))
        #expect(units.optunaJSON == #"{"name": "IntDistribution", "attributes": {"log": false, "step": 16, "low": 16, "high": 512}}"#)
        let optimizer = Distribution.categorical(try CategoricalDistribution([.string("adam"), .string("sgd"), .null, .int(3)]))
        #expect(optimizer.optunaJSON == #"{"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd", null, 3]}}"#)
        let dropout = Distribution.float(try FloatDistribution(low: 0, high: 0.5, step: 0.1))
        #expect(dropout.optunaJSON == #"{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 0.5, "log": false}}"#)
    }

    @Test func readsBackEveryFormAndLegacyNames() throws {
        for text in [
            #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}"#,
            #"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 1024}}"#,
            #"{"name": "CategoricalDistribution", "attributes": {"choices": ["a", 2.5, true]}}"#,
        ] {
            let d = try Distribution(optunaJSON: text)
            #expect(d.optunaJSON == text)
        }
        #expect(try Distribution(optunaJSON: #"{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}"#)
                == .float(try FloatDistribution(low: 0.001, high: 1, log: true)))
        #expect(try Distribution(optunaJSON: #"{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9, "step": 3}}"#)
                == .int(try IntDistribution(low: 0, high: 9, step: 3)))
    }

    @Test func stepLowersHighAsOptunaDoes() throws {
        #expect(try FloatDistribution(low: 0, high: 1, step: 0.3).high == 0.8999999999999999 ||
                abs(try FloatDistribution(low: 0, high: 1, step: 0.3).high - 0.9) < 1e-12)
        #expect(try IntDistribution(low: 1, high: 10, step: 4).high == 9)
        #expect(try FloatDistribution(low: 0, high: 0.5, step: 0.1).high == 0.5)
    }

    @Test func badDistributionsSayWhy() {
        #expect(throws: StudyError.self) { try FloatDistribution(low: 0, high: 1, log: true) }
        #expect(throws: StudyError.self) { try FloatDistribution(low: 2, high: 1) }
        #expect(throws: StudyError.self) { try IntDistribution(low: 1, high: 8, log: true, step: 2) }
        #expect(throws: StudyError.self) { try Distribution(optunaJSON: #"{"name": "Weird", "attributes": {}}"#) }
        #expect(throws: StudyError.self) { try Distribution(optunaJSON: "{not json") }
        #expect(throws: StudyError.self) { try Distribution(optunaJSON: #"{"name": "FloatDistribution", "attributes": {"low": "a", "high": 1}}"#) }
    }

    @Test func internalAndExternalForms() throws {
        let c = Distribution.categorical(try CategoricalDistribution([.string("adam"), .string("sgd")]))
        #expect(try c.toInternal(.string("sgd")) == 1)
        #expect(c.toExternal(1) == .string("sgd"))
        #expect(throws: StudyError.self) { try c.toInternal(.string("rmsprop")) }
        let i = Distribution.int(try IntDistribution(low: 16, high: 512, step: 16))
        #expect(i.contains(32) && !i.contains(33) && !i.contains(528))
        #expect(i.toExternal(48) == .int(48))
    }
}
