import Support
import XCTest
@testable import Text

final class ToyCorporaTests: XCTestCase {
    func testSameSeedSameCorpusOtherSeedOtherCorpus() {
        let a = ToyCorpora.english(seed: 5, targetBytes: 20_000, itemsPerConstruction: 8)
        let b = ToyCorpora.english(seed: 5, targetBytes: 20_000, itemsPerConstruction: 8)
        let c = ToyCorpora.english(seed: 6, targetBytes: 20_000, itemsPerConstruction: 8)
        XCTAssertEqual(a.train, b.train)
        XCTAssertEqual(a.items, b.items)
        XCTAssertNotEqual(a.train, c.train)
        XCTAssertEqual(ToyCorpora.translation(seed: 5, pairs: 200).train.map(\.french),
                       ToyCorpora.translation(seed: 5, pairs: 200).train.map(\.french))
    }

    func testSplitsAreDisjointAndItemsAreWellFormed() throws {
        let corpus = ToyCorpora.english(seed: 9, targetBytes: 30_000, itemsPerConstruction: 20)
        let train = Set(corpus.train)
        XCTAssertTrue(train.isDisjoint(with: corpus.valid) && train.isDisjoint(with: corpus.test))
        XCTAssertFalse(corpus.valid.isEmpty || corpus.test.isEmpty)
        var constructions = Set<String>()
        for item in corpus.items {
            let columns = item.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(columns.count, 6, item)
            let words = columns[0].split(separator: " ").map(String.init)
            XCTAssertEqual(words.filter { $0 == "___" }.count, 1, item)
            let candidates = columns[2].split(separator: ",").map(String.init)
            XCTAssertTrue(candidates.contains(columns[1]), item)
            XCTAssertGreaterThan(Int(columns[3]) ?? 0, 0, item)
            XCTAssertGreaterThanOrEqual(Int(columns[4]) ?? -1, 0, item)
            let full = columns[0].replacingOccurrences(of: "___", with: columns[1])
            XCTAssertFalse(train.contains(full), "item sentence is in the training text: \(full)")
            constructions.insert(columns[5])
        }
        XCTAssertEqual(constructions.count, 9)
    }

    /// The grammar really agrees: a blanked verb's answer is the singular form exactly when the
    /// subject's head noun (distance words back) is singular.
    func testVerbItemsAgreeWithTheirHeadNoun() {
        let grammar = ToyEnglish()
        let singulars = Set(grammar.nouns.map(\.singular))
        let plurals = Set(grammar.nouns.map(\.plural))
        var rng = RandomGenerator(seed: 11)
        var checked = 0
        for modifier in ToyEnglish.Modifier.allCases {
            for _ in 0..<20 {
                guard let item = grammar.verbItem(modifier, &rng) else { continue }
                let blank = item.blanked.firstIndex(of: "___") ?? 0
                let head = item.blanked[blank - item.distance]
                XCTAssertTrue(singulars.contains(head) || plurals.contains(head), "\(item.line)")
                XCTAssertEqual(item.answer == item.candidates[0], singulars.contains(head), item.line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// toy-en-long: a chain of N modifiers puts the head noun further from its verb as N
    /// grows, nothing in between tells the head's number (every verb in the chain is past
    /// tense), and the answer still agrees with the head.
    func testLongItemsGrowWithTheirLinksAndAgreeWithTheHead() {
        let grammar = ToyEnglish()
        let singulars = Set(grammar.nouns.map(\.singular))
        let plurals = Set(grammar.nouns.map(\.plural))
        let presents = Set((grammar.transitive + grammar.intransitive).flatMap { [$0.singular, $0.plural] } + ["is", "are", "has", "have"])
        var rng = RandomGenerator(seed: 12)
        var meanDistance: [Double] = []
        for links in [0, 2, 8] {
            var distances: [Int] = []
            while distances.count < 30 {
                guard let item = grammar.longVerbItem(links: links, &rng) else { continue }
                XCTAssertEqual(item.construction, "links-\(links)")
                let blank = item.blanked.firstIndex(of: "___") ?? 0
                let head = item.blanked[blank - item.distance]
                XCTAssertTrue(singulars.contains(head) || plurals.contains(head), item.line)
                XCTAssertEqual(item.answer == item.candidates[0], singulars.contains(head), item.line)
                let between = item.blanked[(blank - item.distance + 1)..<blank]
                XCTAssertTrue(between.allSatisfy { !presents.contains($0) }, "a present-tense verb gives the number away: \(item.line)")
                distances.append(item.distance)
            }
            meanDistance.append(Double(distances.reduce(0, +)) / Double(distances.count))
        }
        XCTAssertEqual(meanDistance[0], 1)
        XCTAssertGreaterThan(meanDistance[1], 5)
        XCTAssertGreaterThan(meanDistance[2], 20)
        let corpus = ToyCorpora.englishLong(seed: 3, targetBytes: 20_000, itemsPerLength: 5, maxLinks: 4)
        XCTAssertEqual(corpus.items.count, 25)
        XCTAssertTrue(Set(corpus.train).isDisjoint(with: corpus.items.map {
            let c = $0.split(separator: "\t").map(String.init)
            return c[0].replacingOccurrences(of: "___", with: c[1])
        }))
    }

    /// The shipped files are exactly what `corpus generate` writes with the default seed.
    func testShippedCorporaMatchTheGenerator() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora").path
        func shipped(_ name: String) throws -> [String] {
            try String(contentsOfFile: root + "/" + name, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
        }
        let english = ToyCorpora.english()
        XCTAssertEqual(try shipped("toy-en/train.txt"), english.train)
        XCTAssertEqual(try shipped("toy-en/valid.txt"), english.valid)
        XCTAssertEqual(try shipped("toy-en/test.txt"), english.test)
        XCTAssertEqual(try shipped("toy-en/agreement.tsv"), english.items)
        let long = ToyCorpora.englishLong()
        XCTAssertEqual(try shipped("toy-en-long/train.txt"), long.train)
        XCTAssertEqual(try shipped("toy-en-long/agreement.tsv"), long.items)
        let translation = ToyCorpora.translation()
        XCTAssertEqual(try shipped("toy-en-fr/train.en"), translation.train.map(\.english))
        XCTAssertEqual(try shipped("toy-en-fr/train.fr"), translation.train.map(\.french))
        XCTAssertEqual(try shipped("toy-en-fr/test.fr"), translation.test.map(\.french))
    }
}

final class ShippedVocabularyTests: XCTestCase {
    /// vocab/toy-en.tsv is what `vocab build corpora/toy-en/train.txt --eos` makes.
    func testShippedVocabularyMatchesARebuild() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        var builder = VocabularyBuilder()
        try TokenizedText(paths: [root + "/corpora/toy-en/train.txt"]).forEachLine { tokens in
            builder.add(contentsOf: tokens)
            builder.add(Vocabulary.endToken)
        }
        let shipped = try Vocabulary(contentsOf: root + "/vocab/toy-en.tsv")
        XCTAssertEqual(try builder.build(), shipped)
    }
}
