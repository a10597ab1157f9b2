/// An sRGB colour with straight (not premultiplied) alpha, every component in 0...1.
public struct Color: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from `0xRRGGBB`, e.g. `Color(hex: 0x1f77b4)` (matplotlib's first default colour).
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xff) / 255, green: Double((hex >> 8) & 0xff) / 255,
                  blue: Double(hex & 0xff) / 255, alpha: alpha)
    }

    /// A gray level in 0 (black) ... 1 (white).
    public init(gray: Double, alpha: Double = 1) {
        self.init(red: gray, green: gray, blue: gray, alpha: alpha)
    }

    /// The same colour with another alpha.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (WCAG, linearised sRGB), 0 for black and 1 for white. Used to pick a readable
    /// text colour on a coloured cell: dark text when the luminance is above about 0.4.
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever reads better on top of this colour.
    public var contrastingText: Color { luminance > 0.4 ? .black : .white }

    /// The 8-bit components, rounded.
    public var bytes: (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        func byte(_ c: Double) -> UInt8 { UInt8((min(max(c, 0), 1) * 255).rounded()) }
        return (byte(red), byte(green), byte(blue), byte(alpha))
    }

    public static let black = Color(gray: 0)
    public static let white = Color(gray: 1)
    public static let gray = Color(gray: 0.5)
    public static let lightGray = Color(gray: 0.85)
    public static let red = Color(hex: 0xd62728)
    public static let green = Color(hex: 0x2ca02c)
    public static let blue = Color(hex: 0x1f77b4)
    public static let orange = Color(hex: 0xff7f0e)
    /// Text and axis lines: matplotlib draws them black; a near-black reads softer on screens.
    public static let ink = Color(gray: 0.1)

    /// The categorical palette used for successive series (tab10), cycling.
    public static func cycle(_ index: Int) -> Color {
        let table = ColormapTables.tab10
        return Color(hex: table[((index % table.count) + table.count) % table.count])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
