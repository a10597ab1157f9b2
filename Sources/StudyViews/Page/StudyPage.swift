import Datasets
import Foundation
import Studies

/// One self-contained HTML page per study: what it is, its best trial and the command that
/// retrains it, an interactive parallel-coordinates view (TensorBoard HParams' main view, every
/// parameter an axis, dragging on an axis filters the trials), a sortable trial table and the
/// static figures.
///
/// "Self-contained" is the contract: the page's style, script, figures and trial data are all in
/// `index.html`, so it opens from a file, an e-mail or a CI artefact with no server, network, CDN
/// or font download. The script draws the lines on a `<canvas>` in colour buckets and renders the
/// table 200 rows at a time, which keeps a 10,000-trial study responsive.
///
/// A study without trials still gets a page: it says so and how to add trials, so that
/// `study page` right after `study create` does not fail.
///
/// ```swift
/// let page = StudyPage(snapshot: try StudySnapshot(study),
///                      figures: [StudyPage.Figure(title: "History", svg: svgData)],
///                      retrainCommand: "atelier train --model shallow --out runs/best")
/// let files = try page.write(to: "runs/study-page")   // ["runs/study-page/index.html"]
/// ```
public struct StudyPage: Sendable {
    public var snapshot: StudySnapshot
    public var figures: [Figure]
    /// The command that retrains the best trial, when the study's objective is a built-in one.
    public var retrainCommand: String?

    public init(snapshot: StudySnapshot, figures: [Figure] = [], retrainCommand: String? = nil) {
        self.snapshot = snapshot
        self.figures = figures
        self.retrainCommand = retrainCommand
    }

    /// The page's whole HTML text.
    public func html() throws -> String {
        let data = try PageData(snapshot).scriptJSON()
        let name = HTMLText.escaped(snapshot.name)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Atelier">
        <title>\(name) · study · Atelier</title>
        <style>
        \(PageStyle.css)
        </style>
        </head>
        <body>
        \(PageSections(snapshot: snapshot, figures: figures, retrainCommand: retrainCommand).body)
        <script type="application/json" id="study-data">\(data)</script>
        <script>
        \(PageScript.source)
        </script>
        </body>
        </html>

        """
    }

    /// Writes `folder/index.html` (atomically: a reader never sees half a page) and returns the
    /// paths written. The folder is created when missing; other files in it are left alone.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        let path = (folder as NSString).appendingPathComponent("index.html")
        try FileIO.writeAtomically(try html(), to: path)
        return [path]
    }
}
