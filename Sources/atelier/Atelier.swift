import ArgumentParser

/// The `atelier` command: datasets, training, analysis, figures and reports.
@main
struct Atelier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atelier",
        abstract: "Datasets, neural networks, analysis and figures for MNIST-style data and tabular CSV.",
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
        ]
    }
}
