import Foundation
import Plotting
import Studies

/// Study figures, as Optuna's `optuna.visualization.matplotlib` draws them, without Python or a browser.
///
/// ```swift
/// let snapshot = try StudySnapshot(study)
/// try StudyPlots.figure(.parallel, of: snapshot, options: StudyPlotOptions(minimumValue: 0.985)).save("parallel.png")
/// ```
/// Every kind draws from one `StudySnapshot` (the study read once) and stays under a second for
/// 10,000 trials: no work grows with the square of the trial count (see each kind's notes).
public enum StudyPlots {
    /// The figure of `kind` for `snapshot`.
    /// - Throws: `StudyViewsError` when the study lacks what the kind draws (completed trials,
    ///   two parameters for a contour, a parameter named in `options`), `PlotError` from drawing.
    public static func figure(_ kind: StudyPlotKind, of snapshot: StudySnapshot,
                              options: StudyPlotOptions = StudyPlotOptions()) throws -> Figure {
        switch kind {
        case .history: return try HistoryFigure.make(snapshot, options)
        case .parallel: return try ParallelFigure.make(snapshot, options)
        case .slice: return try SliceFigure.make(snapshot, options)
        case .contour: return try ContourFigure.make(snapshot, options)
        case .importance: return try ImportanceFigure.make(snapshot, options)
        case .correlation: return try CorrelationFigure.make(snapshot, options)
        case .duration: return try DurationFigure.make(snapshot, options)
        case .intermediate: return try IntermediateFigure.make(snapshot, options)
        case .states: return try StatesFigure.make(snapshot, options)
        }
    }
}
