import Foundation
import Plotting

extension StudyPage {
    /// Every study figure that can be drawn for `snapshot`, as SVG for the page, in the order of
    /// `StudyPlotKind.allCases`. A kind the study cannot support yet (no completed trial, one
    /// parameter for a contour, no intermediate values) is left out rather than failing the
    /// page: a page of a young study shows what there is. Other errors are thrown.
    public static func figures(of snapshot: StudySnapshot, options: StudyPlotOptions = StudyPlotOptions()) throws -> [Figure] {
        var figures: [Figure] = []
        for kind in StudyPlotKind.allCases {
            let figure: Plotting.Figure
            do {
                figure = try StudyPlots.figure(kind, of: snapshot, options: options)
            } catch StudyViewsError.noCompletedTrials, StudyViewsError.tooFewParameters, StudyViewsError.nothingToDraw {
                continue
            }
            figures.append(Figure(title: figure.title ?? kind.rawValue, svg: try figure.encoded(as: .svg)))
        }
        return figures
    }
}
