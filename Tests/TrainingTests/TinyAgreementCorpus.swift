import Foundation

/// A tiny language with agreement, "the dog runs ." / "the dogs run ." and so on, written as
/// train.txt (240 lines), valid.txt (30) and test.txt (30) into a folder.
enum TinyAgreementCorpus {
    static let nouns = [("dog", "dogs"), ("cat", "cats"), ("bird", "birds")]
    static let verbs = [("runs", "run"), ("sleeps", "sleep"), ("sings", "sing")]

    static func write(to folder: String) throws {
        var lines: [String] = []
        for i in 0..<300 {
            let (n1, n2) = nouns[i % 3], (v1, v2) = verbs[(i / 3) % 3]
            lines.append(i % 2 == 0 ? "the \(n1) \(v1) ." : "the \(n2) \(v2) .")
        }
        try lines[0..<240].joined(separator: "\n").write(toFile: folder + "/train.txt", atomically: true, encoding: .utf8)
        try lines[240..<270].joined(separator: "\n").write(toFile: folder + "/valid.txt", atomically: true, encoding: .utf8)
        try lines[270...].joined(separator: "\n").write(toFile: folder + "/test.txt", atomically: true, encoding: .utf8)
    }
}
