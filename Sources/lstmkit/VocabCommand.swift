import ArgumentParser

/// `lstmkit vocab`: build vocabularies and measure how well one covers a text.
struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Build a vocabulary from text, or measure one against a text.",
        subcommands: [VocabBuildCommand.self, VocabStatsCommand.self]
    )
}

/// Thousands separators for the summaries: 929589 → "929,589".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return value < 0 ? "-" + out : out
}

/// "12.34%" for a fraction.
func percent(_ fraction: Double) -> String {
    let hundredths = Int((fraction * 10_000).rounded())
    let fractional = String(hundredths % 100)
    return "\(hundredths / 100).\(fractional.count == 1 ? "0" + fractional : fractional)%"
}
