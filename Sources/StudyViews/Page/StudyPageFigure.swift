import Foundation

extension StudyPage {
    /// A static figure shown below the interactive views: a title and an SVG document (as
    /// `Figure.encoded(as: .svg)` in Plotting writes it, or any other SVG).
    ///
    /// The page shows it as an `<img>` with a `data:` URI rather than inline `<svg>` markup:
    /// Cairo names its glyphs and clip paths `glyph0-1`, `clip1`, … in every file, so two inline
    /// figures would share ids and draw each other's glyphs; an image keeps each one apart.
    public struct Figure: Sendable, Equatable {
        public var title: String
        public var svg: Data

        public init(title: String, svg: Data) {
            self.title = title
            self.svg = svg
        }

        /// The figure as an image source that needs no file beside the page.
        var dataURI: String {
            "data:image/svg+xml;base64," + svg.base64EncodedString()
        }
    }
}
