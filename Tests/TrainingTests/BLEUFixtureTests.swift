import Foundation
import TestSupport
import XCTest

@testable import Training

/// BLEU and chrF against sacreBLEU's own numbers, written by scripts/reference/make_bleu_fixtures.py.
final class BLEUFixtureTests: XCTestCase {
    struct BLEURecord: Decodable {
        var score: Double
        var string: String
        var counts: [Int]
        var totals: [Int]
        var precisions: [Double]
        var bp: Double
        var sys_len: Int
        var ref_len: Int
    }

    struct ChrFRecord: Decodable {
        var score: Double
        var string: String
    }

    struct Options: Decodable {
        var metric: String?
        var lowercase: Bool?
        var smooth_method: String?
        var effective_order: Bool?
        var word_order: Int?
        var beta: Int?
        var whitespace: Bool?
        var eps_smoothing: Bool?
    }

    struct Variant: Decodable {
        var options: Options
        var bleu: BLEURecord?
        var chrf: ChrFRecord?
    }

    struct CorpusFixture: Decodable {
        var name: String
        var hypotheses: [String]
        var references: [[String]]
        var bleu: BLEURecord
        var chrf: ChrFRecord
        var cli: Bool
        var variants: [Variant]
    }

    struct TokenizerFixture: Decodable {
        struct Case: Decodable {
            var input: String
            var tokenized: String
        }
        var cases: [Case]
    }

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bleu")

    static func corpusFixtures() throws -> [CorpusFixture] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && $0 != "tokenizer-13a.json" }.sorted()
        return try names.map {
            try JSONDecoder().decode(CorpusFixture.self, from: Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    /// Scores agree to 1e-9 relative (in practice to the last bit: same operations, same libm).
    let tolerance = Tolerance(absolute: 1e-12, relative: 1e-9)

    func check(_ actual: BLEUScore, _ expected: BLEURecord, _ label: String,
               addK: Double? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.description, expected.string, label, file: file, line: line)
        if let report = tolerance.mismatchReport([actual.score], [expected.score], name: "\(label) score") {
            XCTFail(report, file: file, line: line)
        }
        if let report = tolerance.mismatchReport(actual.precisions, expected.precisions, name: "\(label) precisions") {
            XCTFail(report, file: file, line: line)
        }
        if let report = tolerance.mismatchReport([actual.brevityPenalty], [expected.bp], name: "\(label) BP") {
            XCTFail(report, file: file, line: line)
        }
        // sacreBLEU's add-k adds k to the counts it reports for orders 2 and up.
        let shift = addK.map { Int($0) } ?? 0
        let matches = actual.matches.enumerated().map { $0.offset > 0 ? $0.element + shift : $0.element }
        let totals = actual.totals.enumerated().map { $0.offset > 0 ? $0.element + shift : $0.element }
        XCTAssertEqual(matches, expected.counts, "\(label) counts", file: file, line: line)
        XCTAssertEqual(totals, expected.totals, "\(label) totals", file: file, line: line)
        XCTAssertEqual(actual.hypothesisLength, expected.sys_len, "\(label) sys_len", file: file, line: line)
        XCTAssertEqual(actual.referenceLength, expected.ref_len, "\(label) ref_len", file: file, line: line)
    }

    func check(_ actual: ChrFScore, _ expected: ChrFRecord, _ label: String,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.description, expected.string, label, file: file, line: line)
        if let report = tolerance.mismatchReport([actual.score], [expected.score], name: "\(label) chrF") {
            XCTFail(report, file: file, line: line)
        }
    }

    func testEveryFixtureSetIsPresent() throws {
        let names = Set(try Self.corpusFixtures().map(\.name))
        for expected in ["perfect", "empty-hypotheses", "one-empty-line", "brevity", "no-4gram-matches",
                         "shorter-than-4", "no-matches", "empty-references", "unicode-punctuation",
                         "entities-hyphens", "newlines-in-segments", "multi30k-val-200",
                         "multi30k-two-refs", "closest-ref-tie"] {
            XCTAssertTrue(names.contains(expected), "missing fixture \(expected).json")
        }
    }

    func testDefaultBLEUMatchesSacreBLEU() throws {
        for f in try Self.corpusFixtures() {
            let score = try BLEU().corpusScore(hypotheses: f.hypotheses, references: f.references)
            check(score, f.bleu, f.name)
        }
    }

    func testDefaultChrFMatchesSacreBLEU() throws {
        for f in try Self.corpusFixtures() {
            let score = try ChrF().corpusScore(hypotheses: f.hypotheses, references: f.references)
            check(score, f.chrf, f.name)
        }
    }

    func testOptionVariantsMatchSacreBLEU() throws {
        var checked = 0
        for f in try Self.corpusFixtures() {
            for v in f.variants {
                let o = v.options
                let label = "\(f.name) \(o)"
                if let expected = v.bleu {
                    var metric = BLEU(lowercase: o.lowercase ?? false, effectiveOrder: o.effective_order ?? false)
                    switch o.smooth_method ?? "exp" {
                    case "none": metric.smoothing = .none
                    case "floor": metric.smoothing = .floor(0.1)
                    case "add-k": metric.smoothing = .addK(1)
                    default: metric.smoothing = .exponential
                    }
                    let score = try metric.corpusScore(hypotheses: f.hypotheses, references: f.references)
                    check(score, expected, label, addK: o.smooth_method == "add-k" ? 1 : nil)
                    checked += 1
                }
                if let expected = v.chrf {
                    let metric = ChrF(
                        wordOrder: o.word_order ?? 0, beta: o.beta ?? 2, lowercase: o.lowercase ?? false,
                        includeWhitespace: o.whitespace ?? false, epsilonSmoothing: o.eps_smoothing ?? false)
                    let score = try metric.corpusScore(hypotheses: f.hypotheses, references: f.references)
                    check(score, expected, label)
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 17)
    }

    func testTokenizer13aMatchesSacreBLEU() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("tokenizer-13a.json"))
        let fixture = try JSONDecoder().decode(TokenizerFixture.self, from: data)
        XCTAssertGreaterThan(fixture.cases.count, 50)
        let tokenizer = Tokenizer13a()
        for c in fixture.cases {
            XCTAssertEqual(tokenizer(PythonText.rstrip(c.input)), c.tokenized, "input \(c.input.debugDescription)")
        }
    }
}
