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
            var options = options
            // Parallel coordinates draw a trial on every axis: with dependent parameters, the
            // axes every completed trial has (the page's interactive view shows all of them).
            if kind == .parallel, options.parameters == nil, snapshot.sharedParameterNames != snapshot.parameterNames {
                options.parameters = snapshot.sharedParameterNames
            }
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
