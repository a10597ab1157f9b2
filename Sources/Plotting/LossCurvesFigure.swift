import Foundation

/// Training-loss curves on a logarithmic axis that also show a run that diverged: a loss that
/// grows by orders of magnitude stays readable on the log axis, and where a run's loss stopped
/// being a number (overflow to infinity, then NaN) the curve ends in a cross at its last finite
/// value with a dotted line at the step where it broke.
public enum LossCurvesFigure {
    /// One run's loss per step (epoch or iteration). Values after the first non-finite one are ignored.
    public struct Curve: Sendable {
        public var label: String
        public var losses: [Double]
        /// The step number of `losses[0]` (default 1).
        public var firstStep: Double
        /// The step where the loss became non-finite when it is not in `losses` (e.g. a trainer
        /// that stopped on the first NaN batch); nil means "the first non-finite value, if any".
        public var nonFiniteStep: Double?

        public init(label: String, losses: [Double], firstStep: Double = 1, nonFiniteStep: Double? = nil) {
            self.label = label
            self.losses = losses
            self.firstStep = firstStep
            self.nonFiniteStep = nonFiniteStep
        }

        /// Where the loss stopped being finite, if it did.
        public var divergedAt: Double? {
            if let nonFiniteStep { return nonFiniteStep }
            return losses.firstIndex { !$0.isFinite }.map { firstStep + Double($0) }
        }
    }

    public static func figure(_ curves: [Curve], title: String, xLabel: String = "epoch", yLabel: String = "training loss (log scale)",
                              width: Int = 1100, height: Int = 650) throws -> Figure {
        guard !curves.isEmpty else { throw PlotError.emptySeries("loss curves") }
        var figure = Figure(width: width, height: height, dpi: 110, title: title)
        figure[0].yScale = .logarithmic
        for (index, curve) in curves.enumerated() {
            let color = Color.cycle(index)
            let finite = Array(curve.losses.prefix { $0.isFinite && $0 > 0 })
            let steps = finite.indices.map { curve.firstStep + Double($0) }
            if !finite.isEmpty {
                try figure[0].line(x: steps, y: finite, label: curve.label, color: color, width: 1.8)
            }
            if let broke = curve.divergedAt {
                try figure[0].verticalLine(at: broke, label: "\(curve.label): loss not finite at \(xLabel) \(formatStep(broke))",
                                           color: color, width: 1.2, dash: .dotted)
                if let last = finite.last, let lastStep = steps.last {
                    try figure[0].scatter(x: [lastStep], y: [last], color: color, size: 12, marker: .cross)
                }
            }
        }
        figure[0].xLabel = xLabel
        figure[0].yLabel = yLabel
        figure[0].showsGrid = true
        figure[0].legend = .outsideRight
        return figure
    }

    /// A step number as people write it: "12", or "12.50" for a fraction of an epoch.
    public static func formatStep(_ step: Double) -> String {
        step == step.rounded() ? String(Int(step)) : String(format: "%.2f", step)
    }
}
