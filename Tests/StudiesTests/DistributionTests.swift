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

@Suite("Space files and the trial table")
struct SpaceFileTests {
    @Test func pythonFormattingOfEdgeValues() throws {
        // Printed by optuna 5.1.0's distribution_to_json for the same distributions.
        #expect(Distribution.float(try FloatDistribution(low: 0, high: 1, step: 0.3)).optunaJSON
                == #"{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": 0.0, "high": 0.9, "log": false}}"#)
        #expect(Distribution.float(try FloatDistribution(low: 1e-20, high: 1e20, log: true)).optunaJSON
                == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-20, "high": 1e+20, "log": true}}"#)
        #expect(Distribution.categorical(try CategoricalDistribution([.string("é"), .double(1.0), .bool(true)])).optunaJSON
                == #"{"name": "CategoricalDistribution", "attributes": {"choices": ["\u00e9", 1.0, true]}}"#)
    }

    @Test func bothFormsParseToTheSameSpace() throws {
        let optuna = #"{"lr": {"name": "FloatDistribution", "attributes": {"low": 1e-05, "high": 0.1, "log": true, "step": null}}, "units": {"name": "IntDistribution", "attributes": {"log": false, "step": 16, "low": 16, "high": 512}}, "optimizer": {"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd"]}}}"#
        let short = #"{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}, "units": {"type": "int", "low": 16, "high": 512, "step": 16}, "optimizer": ["adam", "sgd"]}"#
        let a = try SpaceFile.parse(Data(optuna.utf8))
        let b = try SpaceFile.parse(Data(short.utf8))
        #expect(a.map(\.name) == ["lr", "optimizer", "units"])
        #expect(a.map(\.distribution) == b.map(\.distribution))
        let again = try SpaceFile.parse(Data(SpaceFile.optunaJSON(a).utf8))
        #expect(again.map(\.distribution) == a.map(\.distribution))
    }

    @Test func malformedSpacesNameTheProblem() {
        func message(_ text: String) -> String {
            do { _ = try SpaceFile.parse(Data(text.utf8)); return "" } catch { return "\(error)" }
        }
        #expect(message("{\"lr\": ").contains("not valid JSON"))
        #expect(message("[1, 2]").contains("expected a JSON object"))
        #expect(message("{}").contains("no parameters"))
        #expect(message(#"{"lr": {"type": "float", "low": 1, "hihg": 2}}"#).contains("unknown key \"hihg\""))
        #expect(message(#"{"lr": {"type": "float", "low": 0, "high": 1, "log": true}}"#).contains("parameter \"lr\""))
        #expect(message(#"{"n": {"type": "int", "low": 1.5, "high": 4}}"#).contains("must be an integer"))
        #expect(message(#"{"x": {"low": 1, "high": 2}}"#).contains("\"type\""))
    }

    @Test func trialTableWritesOneRowPerTrial() throws {
        let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 0.1, log: true))
        let opt = Distribution.categorical(try CategoricalDistribution([.string("adam"), .string("sgd, momentum")]))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let trials = [
            FrozenTrial(id: 7, number: 1, state: .pruned, start: start, complete: start.addingTimeInterval(2.5),
                        params: ["lr": 0.01], distributions: ["lr": lr], intermediateValues: [0: 0.5, 3: 0.4]),
            FrozenTrial(id: 5, number: 0, state: .complete, values: [0.25], start: start, complete: start.addingTimeInterval(1),
                        params: ["lr": 0.001, "optimizer": 1], distributions: ["lr": lr, "optimizer": opt]),
        ]
        let lines = TrialTable.csv(trials).split(separator: "\n").map(String.init)
        #expect(lines[0] == "number,state,value,start,complete,durationSeconds,lastStep,lr,optimizer")
        #expect(lines[1].hasPrefix("0,COMPLETE,0.25,2027-01-15T08:00:00.000Z,2027-01-15T08:00:01.000Z,1.000,,0.001,\"sgd, momentum\""))
        #expect(lines[2] == "1,PRUNED,,2027-01-15T08:00:00.000Z,2027-01-15T08:00:02.500Z,2.500,3,0.01,")
    }
}
