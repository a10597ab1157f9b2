import ArgumentParser
import Foundation

/// The `atelier` command: datasets, training, analysis, figures and reports.
@main
struct Atelier: ParsableCommand {
    /// The version `atelier --version` prints.
    static let version = "0.14.0"

    static let configuration = CommandConfiguration(
        commandName: "atelier",
        abstract: "Datasets, neural networks, analysis and figures for MNIST-style data and tabular CSV.",
        discussion: "Every subcommand follows CONVENTIONS.md: the same flag means the same thing everywhere, --json prints one JSON object with lowerCamelCase keys (written files under \"files\"), and errors are one line naming the file or flag. Exit status: 0 success, 64 usage error, 1 data or runtime error.",
        version: version,
        subcommands: Atelier.commands
    )

    /// Every subcommand. Each lives in its own file under `Commands/`.
    static var commands: [ParsableCommand.Type] {
        [
            DatasetCommand.self,
            GalleryCommand.self,
            PlotCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            EncodeCommand.self,
            ClusterCommand.self,
            PCACommand.self,
            TSNECommand.self,
            FraudCommand.self,
            ReportCommand.self,
            DataCommand.self,
            FitCommand.self,
            StudyCommand.self,
        ]
    }

    /// Parses and runs the command line, reporting every error the one way the convention says
    /// (`CommandLineErrors`), instead of argument-parser's default `Error:` plus usage screen.
    static func main() {
        let arguments = CommandLineErrors.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            CommandLineErrors.exit(with: error)
        }
    }
}
