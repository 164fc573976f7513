/// Attention weights drawn as text: source words across, target words down, each cell shaded
/// by its weight (` ` below 0.1, then `░ ▒ ▓ █` in quarters), e.g.
///
/// ```
///          ein  mann schläft .
/// a        ███
/// man           ████
/// sleeps             ███████
/// .                          █
/// ```
public enum AlignmentHeatMap {
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The shade of one weight.
    public static func shade(_ weight: Float) -> Character {
        guard weight.isFinite else { return "?" }
        switch weight {
        case ..<0.1: return shades[0]
        case ..<0.25: return shades[1]
        case ..<0.5: return shades[2]
        case ..<0.75: return shades[3]
        default: return shades[4]
        }
    }

    /// The map as lines: a header of source words, then one line per target token. Rows of
    /// `attention` past the target tokens (the end token's, which looks mostly at the source's
    /// hidden `<eos>`) are left out.
    public static func render(source: [String], target: [String], attention: [[Float]]) -> String {
        let label = { (row: Int) -> String in target[row] }
        let rows = min(attention.count, target.count)
        let labelWidth = (0..<rows).map { label($0).count }.max() ?? 0
        let widths = source.map { max($0.count, 1) }
        var lines = [String(repeating: " ", count: labelWidth) + " " + source.joined(separator: " ")]
        for row in 0..<rows {
            var line = label(row) + String(repeating: " ", count: labelWidth - label(row).count) + " "
            for (column, width) in widths.enumerated() {
                let weight = column < attention[row].count ? attention[row][column] : 0
                line += String(repeating: shade(weight), count: width)
                if column + 1 < widths.count { line += " " }
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
