import Foundation
import Studies

/// The parts of a study page written in Swift: header, best trial, the frames the script fills
/// (parallel coordinates, trial table) and the figures. What can be said without the script is
/// said here, so the facts of a study read even where scripts are off.
struct PageSections {
    var snapshot: StudySnapshot
    var figures: [StudyPage.Figure]
    var retrainCommand: String?

    var body: String {
        var parts = [header]
        if snapshot.trials.isEmpty {
            parts.append("""
            <main><section class="empty"><h2>No trials yet</h2>
            <p>This study has no trials. Add some with <code>atelier study run</code> (a built-in objective) or \
            <code>atelier study ask</code> and <code>atelier study tell</code> (your own), or from Python with Optuna, \
            then write this page again.</p></section>\(figureSection)</main>
            """)
        } else {
            parts.append("<main>\n\(bestSection)\n\(parallelSection)\n\(tableSection)\n\(figureSection)\n</main>")
        }
        return parts.joined(separator: "\n")
    }

    var header: String {
        let trials = snapshot.trials
        let counts = TrialState.allCases.compactMap { state -> String? in
            let count = trials.filter { $0.state == state }.count
            return count == 0 ? nil : "\(count) \(Self.stateWord(state))"
        }
        var facts = ["<span class=\"direction\">\(snapshot.direction == .maximize ? "maximize" : "minimize")</span>",
                     "\(trials.count) trial\(trials.count == 1 ? "" : "s")" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))]
        if let best = snapshot.best, let value = best.value {
            facts.append("best value <strong>\(HTMLText.number(value))</strong> (trial \(best.number))")
        }
        var attributes = ""
        if !snapshot.userAttributes.isEmpty {
            let rows = snapshot.userAttributes.keys.sorted().map { key in
                let value = (try? snapshot.userAttributes[key]!.jsonText()) ?? ""
                return "<dt>\(HTMLText.escaped(key))</dt><dd>\(HTMLText.escaped(value))</dd>"
            }
            attributes = "\n<dl class=\"attributes\">\(rows.joined())</dl>"
        }
        return """
        <header>
        <p class="kicker">Atelier study</p>
        <h1>\(HTMLText.escaped(snapshot.name))</h1>
        <p class="facts">\(facts.joined(separator: " · "))</p>\(attributes)
        </header>
        """
    }

    var bestSection: String {
        guard let best = snapshot.best, let value = best.value else {
            return """
            <section id="best"><h2>Best trial</h2><p class="note">No trial has completed with a value yet.</p></section>
            """
        }
        let params = best.externalParams
        let rows = params.keys.sorted().map { name in
            "<tr><th scope=\"row\">\(HTMLText.escaped(name))</th><td>\(HTMLText.escaped(Self.display(params[name]!)))</td></tr>"
        }
        var command = ""
        if let retrainCommand {
            command = """

            <h3>Retrain it</h3>
            <div class="command"><pre id="retrain-command">\(HTMLText.escaped(retrainCommand))</pre>\
            <button type="button" id="copy-command" title="Copy the command">Copy</button></div>
            """
        }
        let duration = best.duration.map { " · \(HTMLText.seconds($0)) s" } ?? ""
        return """
        <section id="best">
        <h2>Best trial</h2>
        <p class="best-line">Trial <strong>\(best.number)</strong> · value <strong>\(HTMLText.number(value))</strong>\(duration)</p>
        <table class="config"><tbody>\(rows.joined())</tbody></table>\(command)
        </section>
        """
    }

    var parallelSection: String {
        """
        <section id="parallel">
        <h2>Parallel coordinates</h2>
        <p class="hint">Drag up or down along an axis to keep the trials in that range; ranges on several axes \
        combine. Click an axis to clear its range.</p>
        <div class="toolbar" id="toolbar"></div>
        <div class="pc" id="pc"><canvas id="pc-lines"></canvas><canvas id="pc-highlight"></canvas><svg id="pc-axes" role="img" aria-label="Parallel coordinates of the trials"></svg></div>
        <div class="legend" id="legend"></div>
        </section>
        """
    }

    var tableSection: String {
        let count = snapshot.trials.count
        return """
        <section id="trials">
        <h2>Trials</h2>
        <p class="count" id="trial-count"><strong>\(count)</strong> of \(count) trials</p>
        <div class="table-wrap"><table id="trial-table"><thead></thead><tbody></tbody></table></div>
        <p class="more" id="table-more"></p>
        </section>
        """
    }

    var figureSection: String {
        guard !figures.isEmpty else { return "" }
        let items = figures.map { figure in
            let title = HTMLText.escaped(figure.title)
            return "<figure><img src=\"\(figure.dataURI)\" alt=\"\(title)\" loading=\"lazy\"><figcaption>\(title)</figcaption></figure>"
        }
        return "<section id=\"figures\">\n<h2>Figures</h2>\n<div class=\"figures\">\(items.joined(separator: "\n"))</div>\n</section>"
    }

    static func stateWord(_ state: TrialState) -> String {
        switch state {
        case .complete: "complete"
        case .pruned: "pruned"
        case .fail: "failed"
        case .running: "running"
        case .waiting: "waiting"
        }
    }

    /// A parameter value as the table shows it: numbers as people read them, strings as they are.
    static func display(_ value: ParameterValue) -> String {
        switch value {
        case .double(let x): HTMLText.number(x)
        default: value.description
        }
    }
}
