/// The figures a study can be drawn as: `atelier study plot KIND`, `StudyPlots.figure(_:of:)`.
public enum StudyPlotKind: String, CaseIterable, Sendable {
    /// Each trial's value and the best so far, pruned trials marked.
    case history
    /// Parallel coordinates: one axis per parameter and the objective, lines coloured by value.
    case parallel
    /// The objective against each parameter.
    case slice
    /// The objective over two parameters.
    case contour
    /// Parameter importance (the method named on the figure).
    case importance
    /// Spearman correlation of parameters, objective and duration.
    case correlation
    /// Duration against each parameter.
    case duration
    /// Every trial's learning curve, pruned ones marked where they stopped.
    case intermediate
    /// Trials by state over time.
    case states
}
