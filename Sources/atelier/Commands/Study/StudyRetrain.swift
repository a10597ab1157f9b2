import Foundation
import Studies
import StudyObjectives

/// The `atelier train` command that retrains a trial of a study with a built-in objective
/// (`study run --model …`), built from the objective settings stored with the study: what
/// `study best` prints and the study page shows beside the best trial.
enum StudyRetrain {
    /// The command, or nil for a study without a built-in objective (driven by ask and tell, or
    /// by Optuna), whose training Atelier cannot know.
    static func command(for trial: FrozenTrial, studyName: String, storage: any StudyStorage, studyID: Int64) throws -> String? {
        guard let objective = try StudyRunCommand.storedObjective(in: storage, studyID: studyID) else { return nil }
        let external = trial.externalParams
        let configuration = try TrainingConfiguration(model: objective.model) { external[$0] }
        let arguments = ["atelier", "train"]
            + configuration.trainArguments(model: objective.model, dataset: objective.dataset, epochs: objective.epochs)
            + ["--out", "runs/\(studyName)-best"]
        return arguments.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: as it is when it holds only safe characters,
    /// otherwise in single quotes (a study named `my study` must not split the `--out` path).
    static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
