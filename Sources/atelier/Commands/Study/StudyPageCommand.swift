import ArgumentParser
import Foundation
import Studies
import StudyViews

/// `atelier study page`: one self-contained HTML page of a study (issue 12's page for browsers).
struct StudyPageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page",
        abstract: "Write a self-contained HTML page of a study: parallel coordinates to filter by dragging, a sortable trial table, the best trial and its retrain command.",
        discussion: """
        --out is a folder: the page is FOLDER/index.html, with its style, script, figures and trial data inside, so it opens from a file with no server and no network. Drag up or down along an axis of the parallel coordinates to keep the trials in a range (ranges on several axes combine; a click on an axis clears its range), click a column header of the table to sort by it. A study without trials gets a page that says so.

        Examples:
          atelier study page --study shallow --out runs/shallow-page
          atelier study page --storage sqlite:///studies.db --study shallow \\
              --out runs/shallow-page --json
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Output folder; the page is written to FOLDER/index.html.")
    var out: String

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    struct Report: Encodable {
        var study: String
        var trials: Int
        var files: [String]
    }

    func run() throws {
        try OutputCheck.folder(out)
        let storage = try location.open()
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let snapshot = try StudySnapshot(study)
        let command = try snapshot.best.flatMap {
            try StudyRetrain.command(for: $0, studyName: study.name, storage: storage, studyID: study.id)
        }
        let page = StudyPage(snapshot: snapshot, figures: try Self.figures(of: snapshot), retrainCommand: command)
        let files = try page.write(to: out)
        if snapshot.trials.isEmpty { Output.note("study \"\(study.name)\" has no trials yet; the page says so") }
        if json { try Output.json(Report(study: study.name, trials: snapshot.trials.count, files: files)); return }
        print("wrote the page of study \(study.name) (\(snapshot.trials.count) trials) to \(files[0])")
    }

    /// The static figures shown below the interactive views: every `study plot` kind the
    /// study can support yet.
    static func figures(of snapshot: StudySnapshot) throws -> [StudyPage.Figure] {
        try StudyPage.figures(of: snapshot)
    }
}
