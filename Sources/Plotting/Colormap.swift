/// A map from a value in 0...1 to a colour (continuous maps) or from a category index to a colour
/// (categorical maps). The tables are matplotlib's published values (see `ColormapTables.swift`).
///
/// ```swift
/// let map = try Colormap(named: "viridis")
/// map.color(at: 0.5)          // the middle of viridis, #21918c
/// Colormap.tab10.color(category: 3)
/// ```
public struct Colormap: Sendable, Equatable {
    /// The name matplotlib uses (`viridis`, `magma`, `gray`, `coolwarm`, `RdBu`, `tab10`, `tab20`).
    public let name: String
    /// Colours from the low end to the high end, as 0xRRGGBB.
    public let table: [UInt32]
    /// True for categorical palettes (tab10, tab20): `color(category:)` picks entries without interpolation.
    public let isCategorical: Bool

    /// A map through `table` (0xRRGGBB, low end first). A table of fewer than two colours is padded
    /// (one colour: a constant map; none: black to white) rather than trapping.
    public init(name: String, table: [UInt32], isCategorical: Bool = false) {
        self.name = name
        switch table.count {
        case 0: self.table = [0x000000, 0xffffff]
        case 1: self.table = [table[0], table[0]]
        default: self.table = table
        }
        self.isCategorical = isCategorical
    }

    public static let viridis = Colormap(name: "viridis", table: ColormapTables.viridis)
    public static let magma = Colormap(name: "magma", table: ColormapTables.magma)
    /// Black to white.
    public static let gray = Colormap(name: "gray", table: (0..<256).map { UInt32($0) * 0x010101 })
    /// Gray reversed (white to black), as matplotlib's `gray_r`: dark digits on white paper.
    public static let grayReversed = Colormap(name: "gray_r", table: (0..<256).reversed().map { UInt32($0) * 0x010101 })
    /// A diverging blue-white-red map (Moreland), for correlations centred on 0.
    public static let coolwarm = Colormap(name: "coolwarm", table: ColormapTables.coolwarm)
    /// ColorBrewer's diverging red-white-blue map (red at the low end, as matplotlib's `RdBu`).
    public static let redBlue = Colormap(name: "RdBu", table: ColormapTables.redBlue)
    public static let tab10 = Colormap(name: "tab10", table: ColormapTables.tab10, isCategorical: true)
    public static let tab20 = Colormap(name: "tab20", table: ColormapTables.tab20, isCategorical: true)

    /// Every named map.
    public static let all: [Colormap] = [.viridis, .magma, .gray, .grayReversed, .coolwarm, .redBlue, .tab10, .tab20]

    /// The map called `name` (matplotlib spelling, case-insensitive); unknown names throw `PlotError.unknownColormap`.
    public init(named name: String) throws {
        guard let map = Colormap.all.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw PlotError.unknownColormap(name: name, known: Colormap.all.map(\.name))
        }
        self = map
    }

    /// The colour at `fraction` in 0...1 (clamped; NaN gives the low end), linearly interpolated between
    /// table entries for continuous maps, nearest entry for categorical ones.
    public func color(at fraction: Double) -> Color {
        let t = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        if isCategorical {
            return Color(hex: table[min(Int(t * Double(table.count)), table.count - 1)])
        }
        let position = t * Double(table.count - 1)
        let lower = min(Int(position), table.count - 2)
        let weight = position - Double(lower)
        let a = Color(hex: table[lower]), b = Color(hex: table[lower + 1])
        return Color(red: a.red + (b.red - a.red) * weight, green: a.green + (b.green - a.green) * weight,
                     blue: a.blue + (b.blue - a.blue) * weight)
    }

    /// The colour of category `index`, cycling through the table.
    public func color(category index: Int) -> Color {
        Color(hex: table[((index % table.count) + table.count) % table.count])
    }

    /// A 256-entry lookup as packed opaque ARGB32 (the pixel format of Cairo image surfaces), for
    /// colouring many values without per-value work.
    func packedLookup() -> [UInt32] {
        (0..<256).map { index in
            let c = color(at: Double(index) / 255).bytes
            return 0xff00_0000 | UInt32(c.red) << 16 | UInt32(c.green) << 8 | UInt32(c.blue)
        }
    }
}
