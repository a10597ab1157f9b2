import ArgumentParser
import Foundation
import Studies

/// `atelier study delete`: remove a study and all its trials.
struct StudyDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a study and all its trials.",
        discussion: """
        Examples:
          atelier study delete --study old-search
        """
    )

    @OptionGroup var location: StudyLocation

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    struct Report: Encodable {
        var study: String
        var deletedTrials: Int
    }

    func run() throws {
        let storage = try location.open()
        let id = try storage.studyID(named: location.study)
        let count = try storage.trials(studyID: id).count
        try storage.deleteStudy(id: id)
        if json { try Output.json(Report(study: location.study, deletedTrials: count)) } else {
            print("deleted study \(location.study) and its \(count) trials")
        }
    }
}
