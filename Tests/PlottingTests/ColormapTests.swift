import Testing
@testable import Plotting

/// Reference values are matplotlib 3.11's published colormap data (`_cm_listed.py`, `_cm.py`).
@Suite("Colormaps")
struct ColormapTests {
    private func expectColor(_ color: Color, _ red: Double, _ green: Double, _ blue: Double, tolerance: Double = 1.0 / 255,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(color.red - red) <= tolerance && abs(color.green - green) <= tolerance && abs(color.blue - blue) <= tolerance,
                "\(color) vs (\(red), \(green), \(blue))", sourceLocation: sourceLocation)
    }

    @Test("viridis endpoints and middle entry")
    func viridis() {
        expectColor(Colormap.viridis.color(at: 0), 0.267004, 0.004874, 0.329415)
        expectColor(Colormap.viridis.color(at: 128.0 / 255), 0.127568, 0.566949, 0.550556)
        expectColor(Colormap.viridis.color(at: 1), 0.993248, 0.906157, 0.143936)
    }

    @Test("magma endpoints and middle entry")
    func magma() {
        expectColor(Colormap.magma.color(at: 0), 0.001462, 0.000466, 0.013866)
        expectColor(Colormap.magma.color(at: 128.0 / 255), 0.716387, 0.214982, 0.47529)
        expectColor(Colormap.magma.color(at: 1), 0.987053, 0.991438, 0.749504)
    }

    @Test("gray, coolwarm and RdBu")
    func grayAndDiverging() {
        expectColor(Colormap.gray.color(at: 0), 0, 0, 0)
        expectColor(Colormap.gray.color(at: 1), 1, 1, 1)
        expectColor(Colormap.gray.color(at: 0.5), 0.5, 0.5, 0.5)
        expectColor(Colormap.coolwarm.color(at: 0), 0.2298057, 0.298717966, 0.753683153)
        expectColor(Colormap.coolwarm.color(at: 0.5), 0.8674, 0.8644, 0.8626, tolerance: 2.0 / 255)
        expectColor(Colormap.redBlue.color(at: 0), 0.403921568627451, 0, 0.12156862745098039)
        expectColor(Colormap.redBlue.color(at: 1), 0.0196078431372549, 0.18823529411764706, 0.3803921568627451)
    }

    @Test("tab10 and tab20 are the Tableau palettes, cycling")
    func categorical() {
        #expect(Colormap.tab10.table.count == 10)
        #expect(Colormap.tab20.table.count == 20)
        #expect(Colormap.tab10.color(category: 0) == Color(hex: 0x1f77b4))
        #expect(Colormap.tab10.color(category: 1) == Color(hex: 0xff7f0e))
        #expect(Colormap.tab10.color(category: 13) == Colormap.tab10.color(category: 3))
        #expect(Colormap.tab20.color(category: 1) == Color(hex: 0xaec7e8))
    }

    @Test("lookup by name, and unknown names are a clear error")
    func byName() throws {
        #expect(try Colormap(named: "Viridis") == .viridis)
        #expect(try Colormap(named: "RdBu") == .redBlue)
        #expect(throws: PlotError.self) { try Colormap(named: "jet") }
        do {
            _ = try Colormap(named: "jet")
        } catch {
            #expect("\(error)".contains("unknown colormap 'jet'"))
            #expect("\(error)".contains("viridis"))
        }
    }

    @Test("NaN and out-of-range fractions clamp")
    func clamping() {
        #expect(Colormap.viridis.color(at: .nan) == Colormap.viridis.color(at: 0))
        #expect(Colormap.viridis.color(at: 7) == Colormap.viridis.color(at: 1))
    }

    @Test("text on dark cells is white, on light cells black")
    func contrast() {
        #expect(Colormap.viridis.color(at: 0).contrastingText == .white)
        #expect(Colormap.viridis.color(at: 1).contrastingText == .black)
    }
}
