import Foundation

/// Lays out the REPL's small tables: words padded by terminal columns, probabilities in a fixed
/// width, and bars of Unicode eighth blocks.
enum ChartLayout {
    /// Width of a bar for the largest value of a chart.
    static let barWidth = 24
    /// Words wider than this are cut with "…" so one long token cannot push the bars away.
    static let maximumWordWidth = 20

    /// Rows `  word  12.34%  ████▌`, bars scaled to the largest probability shown.
    static func probabilityRows(_ items: [(word: String, probability: Double)]) -> [String] {
        let largest = items.map(\.probability).max() ?? 0
        let words = items.map { fitted($0.word) }
        let width = words.map(displayWidth).max() ?? 0
        return zip(words, items).map { word, item in
            let bar = largest > 0 ? self.bar(fraction: item.probability / largest) : ""
            return "  " + padded(word, to: width) + "  " + percent(item.probability) + "  " + bar
        }
    }

    /// A probability as a percentage in 7 columns: ` 21.30%`, `100.00%`, ` <0.01%`.
    static func percent(_ p: Double) -> String {
        if p > 0 && p < 0.00005 { return " <0.01%" }
        return String(format: "%6.2f%%", p * 100)
    }

    /// A bar of `fraction` × `barWidth` columns in eighth blocks; at least a sliver when the
    /// fraction is positive, so a tiny probability still shows.
    static func bar(fraction: Double) -> String {
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let eighths = max(f > 0 ? 1 : 0, Int((f * Double(barWidth * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// `text` padded with spaces to `width` terminal columns.
    static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }

    /// `text` cut to `maximumWordWidth` columns, ending in "…" when cut.
    static func fitted(_ text: String) -> String {
        guard displayWidth(text) > maximumWordWidth else { return text }
        var cut = ""
        for character in text {
            if displayWidth(cut) + displayWidth(String(character)) > maximumWordWidth - 1 { break }
            cut.append(character)
        }
        return cut + "…"
    }

    /// Terminal columns `text` takes: combining marks and format characters none, East Asian
    /// wide and fullwidth characters (CJK, Hangul, fullwidth forms, emoji) two, others one.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: return width
            default: return width + (isWide(scalar.value) ? 2 : 1)
            }
        }
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
