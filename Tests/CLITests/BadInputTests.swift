import Foundation
import Support
import XCTest

/// The catalogue of docs/BAD_INPUTS.md, entry by entry: each bad input gives exactly the message
/// written there, one line on standard error with exit status 1 (usage mistakes: ArgumentParser's
/// "Error: ..." and exit status 2), no trap or backtrace, and no file left half-written.
///
/// Every command runs inside one shared folder with relative paths, so messages read as in the
/// catalogue; `{dir}` stands for that folder where the tool prints an absolute path.
final class BadInputTests: XCTestCase {
    /// One catalogue entry: the command line, the expected status and message, and the files it
    /// must not leave behind.
    struct Case {
        var id: String
        var arguments: [String]
        var status: Int32
        var message: String
        var mustNotExist: [String] = []
        var stdin = ""
    }

    static let folder = NSTemporaryDirectory() + "lstmkit-bad-inputs-\(UUID().uuidString)"
    static var prepared: Error?

    override class func setUp() {
        super.setUp()
        do { try prepare() } catch { prepared = error }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.prepared { throw error }
    }

    // MARK: fixtures

    static func write(_ name: String, _ bytes: [UInt8]) throws {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    /// A tiny corpus, a trained one-layer run (`run`), a run of another shape (`other`), and
    /// copies of `run` whose files are damaged one way each (`ck-*`).
    static func prepare() throws {
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: true)
        let lines = (0..<200).map { $0 % 2 == 0 ? "the cat sleeps ." : "the cats sleep ." }
        try write("corpus/train.txt", lines[0..<160].joined(separator: "\n") + "\n")
        try write("corpus/valid.txt", lines[160..<180].joined(separator: "\n") + "\n")
        try write("corpus/test.txt", lines[180...].joined(separator: "\n") + "\n")
        try write("empty.txt", "")
        try write("one.txt", "the cat\n")
        try write("x.bin", [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01])
        try write("latin1.txt", Array("ok\ncaf".utf8) + [0xE9] + Array("\n".utf8))
        try write("bom-crlf.txt", [0xEF, 0xBB, 0xBF] + Array("The cat\r\nsleeps.\r\n".utf8))
        try write("vocab/duplicate.tsv", "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\ncat\t2\ncat\t1\n")
        try write("vocab/no-specials.tsv", "cat\t2\nthe\t1\n")
        try write("vocab/no-bos.tsv", "<pad>\t0\n<unk>\t0\n<eos>\t0\ncat\t1\n")
        try write("vocab/no-tab.tsv", "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\ncat 1\n")
        try write("vocab/bad-count.tsv", "<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\ncat\tmany\n")
        try write("vocab/empty.tsv", "")
        try write("series/bad.csv", "a,b\n1,2\n3,x\n")
        try write("series/short.csv", "a\n1\n2\n3\n")
        try write("parallel/uneven.en", "a b\nc d\ne f\n")
        try write("parallel/uneven.fr", "x y\nz w\n")
        try write("parallel/ok.en", "a b\nc d\n")
        try write("parallel/ok.fr", "x y\nz w\n")
        try write("hyp3.txt", "a\nb\nc\n")
        try write("held.txt", "the cat sleeps .\n")
        try write("one-word.txt", "cat\nsleeps\n")
        try write("items.tsv", "the ___ sleeps .\tcat\tcat,cats\nno blank\tcat\n")
        try write("ref2.txt", "a\nb\n")
        // The head of a translation run's config.json (the only part read before the refusal).
        try write("translation/config.json", "{\"sourceLanguage\" : \"en\", \"targetLanguage\" : \"fr\"}\n")
        try write("no-kind/config.json", "{\"format\" : 1}\n")
        try write("long-answer.tsv", "the ___ sleeps .\t" + String(repeating: "x", count: 5000) + "\n")

        let tiny = ["--epochs", "1", "--layers", "1", "--batch-size", "4", "--bptt", "5", "--threads", "1"]
        for (name, hidden) in [("run", "8"), ("other", "6")] {
            let r = try CommandRunner.run(["train", "--corpus", "corpus", "--out", name, "--hidden", hidden] + tiny,
                                          directory: folder)
            guard r.status == 0 else { throw NSError(domain: "BadInputTests: training failed: \(r.error)", code: 1) }
        }
        let model = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/run/model.safetensors")))
        let headerLength = Int(model[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = String(decoding: model[8..<(8 + headerLength)], as: UTF8.self)
        let data = Array(model[(8 + headerLength)...])

        /// A copy of `run` whose model.safetensors is `bytes`.
        func damaged(_ name: String, _ bytes: [UInt8]) throws {
            let copy = folder + "/ck-" + name
            try FileManager.default.copyItem(atPath: folder + "/run", toPath: copy)
            try Data(bytes).write(to: URL(fileURLWithPath: copy + "/model.safetensors"))
        }
        func withHeader(_ text: String) -> [UInt8] {
            let bytes = Array(text.utf8)
            return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bytes.count) >> (8 * UInt64($0))) } + bytes + data
        }
        func edited(_ old: String, _ new: String) throws -> [UInt8] {
            guard header.contains(old) else { throw NSError(domain: "BadInputTests: header lacks \(old)", code: 1) }
            return withHeader(header.replacingOccurrences(of: old, with: new))
        }
        for cut in [0, 5, 8, 8 + headerLength / 2, 8 + headerLength, 8 + headerLength + 100, model.count - 1] {
            try damaged("cut-\(cut)", Array(model[0..<cut]))
        }
        try damaged("huge-header", [0, 0, 0, 0, 0, 0, 0, 0x40] + model[8...])
        try damaged("not-json", Array(model[0..<8]) + Array(repeating: UInt8(ascii: "{"), count: headerLength) + data)
        try damaged("offsets-outside", try edited(#""data_offsets":[0,320]"#, #""data_offsets":[100000,100320]"#))
        try damaged("dtype", try edited(#"{"dtype":"F32","shape":[10,8],"data_offsets":[0,320]}"#,
                                        #"{"dtype":"F16","shape":[10,8],"data_offsets":[0,320]}"#))
        try damaged("shape", try edited(#""shape":[10,8],"data_offsets":[0,320]"#, #""shape":[11,8],"data_offsets":[0,320]"#))
        try damaged("missing-tensor", withHeader(header.replacingOccurrences(of: "\"decoder.bias\":", with: "\"decoder.bias.old\":")))
        var nan = model
        nan.replaceSubrange((8 + headerLength + 40)..<(8 + headerLength + 44), with: [0x00, 0x00, 0xC0, 0x7F])
        try damaged("nan", nan)
        try damaged("other-model", [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/other/model.safetensors"))))

        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-vocab")
        let vocab = try String(contentsOfFile: folder + "/ck-vocab/vocab.tsv", encoding: .utf8)
        try write("ck-vocab/vocab.tsv", vocab + "zebra\t1\n")
        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-config")
        try write("ck-config/config.json", "{\"format\": 1, \"kind\": \"language-model\", \"mod")
        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-hidden")
        let config = try String(contentsOfFile: folder + "/run/config.json", encoding: .utf8)
        try write("ck-hidden/config.json", config.replacingOccurrences(of: "\"hiddenSize\" : 8", with: "\"hiddenSize\" : -8"))
        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-huge")
        try FileManager.default.copyItem(atPath: folder + "/run/vocab.tsv", toPath: folder + "/held-vocab.tsv")
        try write("ck-huge/config.json", config.replacingOccurrences(of: "\"hiddenSize\" : 8", with: "\"hiddenSize\" : 2000000000"))
        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-big")
        try write("ck-big/config.json", config.replacingOccurrences(of: "\"hiddenSize\" : 8", with: "\"hiddenSize\" : 2000"))
        // A run killed before its first checkpoint (no weights at all), then edited by hand.
        try FileManager.default.copyItem(atPath: folder + "/run", toPath: folder + "/ck-fresh-huge")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/ck-fresh-huge") where name.hasSuffix(".safetensors") {
            try FileManager.default.removeItem(atPath: folder + "/ck-fresh-huge/" + name)
        }
        try write("ck-fresh-huge/config.json", config.replacingOccurrences(of: "\"hiddenSize\" : 8", with: "\"hiddenSize\" : 2000000000"))
    }

    // MARK: checking

    func check(_ cases: [Case], launcher: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = Self.folder
        for c in cases {
            let r = try CommandRunner.run(c.arguments, stdin: c.stdin, directory: folder, launcher: launcher)
            let expected = c.message.replacingOccurrences(of: "{dir}", with: folder)
                .replacingOccurrences(of: "{memory}", with: MemoryBudget.Budget.current.phrase)
            let context = "\(c.id): lstmkit \(c.arguments.joined(separator: " "))"
            XCTAssertEqual(r.status, c.status, "\(context)\n\(r.error)", file: file, line: line)
            switch c.status {
            case 0:
                XCTAssertEqual(r.error, expected, context, file: file, line: line)
            case 1:
                XCTAssertEqual(r.error, "lstmkit: error: \(expected)\n", context, file: file, line: line)
            default:
                let first = r.error.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
                XCTAssertEqual(first, "Error: \(expected)", context, file: file, line: line)
                XCTAssertTrue(r.error.contains("Usage: lstmkit"), "\(context): usage follows\n\(r.error)", file: file, line: line)
            }
            Self.record(c, status: r.status, error: r.error)
            for marker in ["Fatal error", "Stack dump", "Backtrace", "💣", "Illegal instruction"] {
                XCTAssertFalse(r.error.contains(marker), "\(context): \(r.error)", file: file, line: line)
            }
            for path in c.mustNotExist {
                XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/" + path), "\(context): left \(path)",
                               file: file, line: line)
            }
            XCTAssertEqual(Self.temporaryFiles(), [], "\(context): temporary files left behind", file: file, line: line)
        }
    }

    /// With LSTMKIT_BAD_INPUTS_TABLE=<file> set, appends each case as a Markdown table row
    /// (what docs/BAD_INPUTS.md lists), so the catalogue shows what the tool really printed.
    static func record(_ c: Case, status: Int32, error: String) {
        guard let path = ProcessInfo.processInfo.environment["LSTMKIT_BAD_INPUTS_TABLE"] else { return }
        func cell(_ text: String) -> String { "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`" }
        let shown = status == 1 ? error.trimmingCharacters(in: .newlines)
                                : String(error.split(separator: "\n").first ?? "(nothing)")
        let command = (["lstmkit"] + c.arguments).map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
        let row = "| \(c.id) | \(cell(command)) | \(status) | \(cell(shown.replacingOccurrences(of: folder, with: "$DIR"))) |\n"
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { return }
        handle.seekToEndOfFile()
        handle.write(Data(row.utf8))
        handle.closeFile()
    }

    /// AtomicFile's temporary files (`.<name>.tmp-XXXXXX`) anywhere under the folder.
    static func temporaryFiles() -> [String] {
        let all = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        return all.filter { ($0 as NSString).lastPathComponent.contains(".tmp-") }
    }

    // MARK: the catalogue

    func testTextFiles() throws {
        try check([
            Case(id: "T1 missing file", arguments: ["tokenize", "missing.txt"], status: 1,
                 message: "cannot open missing.txt: No such file or directory"),
            Case(id: "T2 folder instead of file", arguments: ["tokenize", "dir"], status: 1,
                 message: "dir is a directory, not a text file"),
            Case(id: "T3 empty file", arguments: ["tokenize", "empty.txt"], status: 0, message: ""),
            Case(id: "T4 binary file", arguments: ["tokenize", "x.bin"], status: 1,
                 message: "x.bin looks like a binary file (NUL byte at line 1, byte offset 4), not text"),
            Case(id: "T5 invalid UTF-8", arguments: ["tokenize", "latin1.txt"], status: 1,
                 message: "latin1.txt is not valid UTF-8 at line 2, byte offset 6; convert it to UTF-8 or read it in lossy mode "
                     + "(--lossy) to replace bad bytes with U+FFFD"),
            Case(id: "T6 read error", arguments: ["tokenize", "/proc/self/mem"], status: 1,
                 message: "cannot read /proc/self/mem: Input/output error"),
            Case(id: "T8 bad locale", arguments: ["tokenize", "--locale", "e n"], status: 2,
                 message: "--locale takes a language code such as en, fr, de_CH or zh-Hans, not 'e n'."),
        ])
        let r = try CommandRunner.run(["tokenize", "bom-crlf.txt"], directory: Self.folder)
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertEqual(r.output, "The cat\nsleeps .\n", "T7: the BOM and the CRs are not part of any token")
    }

    /// File modes stop only users other than root. Run as root (as CI containers often are),
    /// the command is started through setpriv as user nobody, so the case is still tested; it is
    /// skipped only when root has no setpriv.
    func launcherWithoutRoot() throws -> [String] {
        guard geteuid() == 0 else { return [] }
        let setpriv = "/usr/bin/setpriv"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: setpriv),
                          "running as root without \(setpriv): root reads and writes whatever the modes; T6 and O3/O4 cover read and write failures")
        let launcher = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        // User nobody must be able to reach the binary and the scratch folder (not so when the
        // checkout lives under a private home folder).
        let probe = try CommandRunner.run(["version"], directory: Self.folder, launcher: launcher)
        try XCTSkipUnless(probe.status == 0, "user nobody cannot run \(CommandRunner.binary) from \(Self.folder): \(probe.error)")
        return launcher
    }

    func testUnreadableFile() throws {
        let launcher = try launcherWithoutRoot()
        try Self.write("secret.txt", "hidden\n")
        chmod(Self.folder + "/secret.txt", 0)
        defer { chmod(Self.folder + "/secret.txt", 0o644) }
        try check([Case(id: "T9 unreadable file", arguments: ["tokenize", "secret.txt"], status: 1,
                        message: "cannot open secret.txt: Permission denied")], launcher: launcher)
    }

    /// A single line of several megabytes (no newline at all) is read and tokenized whole.
    func testOneLongLine() throws {
        var text = ""
        text.reserveCapacity(3_000_000)
        let words = ["the", "cat", "cats", "sleep", "sleeps", "."]
        for i in 0..<600_000 { text += words[(i * 7) % words.count] + " " }
        try Self.write("long.txt", text)
        let r = try CommandRunner.run(["vocab", "build", "long.txt", "-o", "long.tsv"], directory: Self.folder)
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertTrue(r.output.contains("tokens read   600,000 in 1 lines"), r.output)
    }

    func testVocabularies() throws {
        try check([
            Case(id: "V1 duplicate token", arguments: ["vocab", "stats", "--vocab", "vocab/duplicate.tsv", "one.txt"], status: 1,
                 message: "line 6 of vocabulary vocab/duplicate.tsv repeats the token \"cat\" of line 5"),
            Case(id: "V2 no specials", arguments: ["vocab", "stats", "--vocab", "vocab/no-specials.tsv", "one.txt"], status: 1,
                 message: "line 1 of vocabulary vocab/no-specials.tsv must be the special <pad> (found \"cat\"); "
                     + "a vocabulary starts with <pad>, <unk>, <bos>, <eos>"),
            Case(id: "V3 a special missing", arguments: ["vocab", "stats", "--vocab", "vocab/no-bos.tsv", "one.txt"], status: 1,
                 message: "line 3 of vocabulary vocab/no-bos.tsv must be the special <bos> (found \"<eos>\"); "
                     + "a vocabulary starts with <pad>, <unk>, <bos>, <eos>"),
            Case(id: "V4 no tab", arguments: ["vocab", "stats", "--vocab", "vocab/no-tab.tsv", "one.txt"], status: 1,
                 message: "line 5 of vocabulary vocab/no-tab.tsv has no tab; each line must be token<TAB>count"),
            Case(id: "V5 count not a number", arguments: ["vocab", "stats", "--vocab", "vocab/bad-count.tsv", "one.txt"], status: 1,
                 message: "line 5 of vocabulary vocab/bad-count.tsv has a count that is not a whole number; each line must be token<TAB>count"),
            Case(id: "V6 empty vocabulary", arguments: ["train", "--corpus", "corpus", "--vocab", "vocab/empty.tsv", "--out", "r-v6"],
                 status: 1, message: "vocabulary vocab/empty.tsv is empty; it must start with the specials <pad>, <unk>, <bos>, <eos>",
                 mustNotExist: ["r-v6"]),
            Case(id: "V7 vocabulary is a text file", arguments: ["vocab", "stats", "--vocab", "corpus/train.txt", "one.txt"], status: 1,
                 message: "line 1 of vocabulary corpus/train.txt has no tab; each line must be token<TAB>count"),
        ])
    }

    func testOutputLocations() throws {
        try check([
            Case(id: "O1 output is a folder", arguments: ["vocab", "build", "one.txt", "-o", "dir"], status: 1,
                 message: "cannot write dir: Is a directory"),
            Case(id: "O2 output folder missing", arguments: ["vocab", "build", "one.txt", "-o", "nowhere/v.tsv"], status: 1,
                 message: "cannot write nowhere/v.tsv: No such file or directory", mustNotExist: ["nowhere"]),
            Case(id: "O3 output under a file", arguments: ["vocab", "build", "one.txt", "-o", "one.txt/v.tsv"], status: 1,
                 message: "cannot write one.txt/v.tsv: Not a directory"),
            Case(id: "O4 run folder under a file",
                 arguments: ["train", "--corpus", "corpus", "--out", "one.txt/run", "--hidden", "4", "--layers", "1", "--threads", "1"],
                 status: 1, message: "cannot write one.txt/run: cannot create the folder: one.txt is not a folder"),
            Case(id: "O5 run folder is a file",
                 arguments: ["train", "--corpus", "corpus", "--out", "one.txt", "--hidden", "4", "--layers", "1", "--threads", "1"],
                 status: 1, message: "cannot write one.txt: cannot create the folder: it exists and is not a folder"),
            Case(id: "O6 run folder already holds a run", arguments: ["train", "--corpus", "corpus", "--out", "run"], status: 1,
                 message: "run already holds a run; continue it with --resume run, or choose another --out"),
        ])
        XCTAssertEqual(try String(contentsOfFile: Self.folder + "/one.txt", encoding: .utf8), "the cat\n", "O5 leaves the file alone")
    }

    func testUnwritableFolder() throws {
        let launcher = try launcherWithoutRoot()
        try FileManager.default.createDirectory(atPath: Self.folder + "/locked", withIntermediateDirectories: true)
        chmod(Self.folder + "/locked", 0o555)
        defer { chmod(Self.folder + "/locked", 0o755) }
        try check([
            Case(id: "O7 unwritable folder", arguments: ["vocab", "build", "one.txt", "-o", "locked/v.tsv"], status: 1,
                 message: "cannot write locked/v.tsv: Permission denied"),
            Case(id: "O8 unwritable run folder",
                 arguments: ["train", "--corpus", "corpus", "--out", "locked/run", "--hidden", "4", "--layers", "1", "--threads", "1"],
                 status: 1, message: "cannot write locked/run: cannot create the folder: Permission denied"),
        ], launcher: launcher)
    }

    func testTrainingInputs() throws {
        let tiny = ["--hidden", "4", "--layers", "1", "--threads", "1", "--epochs", "1"]
        try check([
            Case(id: "C1 corpus missing", arguments: ["train", "--corpus", "missing", "--out", "r-c1"], status: 1,
                 message: "missing does not exist", mustNotExist: ["r-c1"]),
            Case(id: "C2 folder without splits", arguments: ["train", "--corpus", "dir", "--out", "r-c2"], status: 1,
                 message: "dir holds neither train.txt/valid.txt/test.txt nor ptb.train.txt/ptb.valid.txt/ptb.test.txt; "
                     + "name the files with --train, --valid and --test", mustNotExist: ["r-c2"]),
            Case(id: "C3 empty corpus", arguments: ["train", "--corpus", "empty.txt", "--out", "r-c3"], status: 1,
                 message: "{dir}/empty.txt has 0 lines, too few to split 90/5/5 into train, valid and test (at least 20 are needed)",
                 mustNotExist: ["r-c3"]),
            Case(id: "C4 binary corpus", arguments: ["train", "--corpus", "x.bin", "--out", "r-c4"], status: 1,
                 message: "{dir}/x.bin looks like a binary file (NUL byte at line 1, byte offset 4), not text", mustNotExist: ["r-c4"]),
            Case(id: "C5 valid text is a folder", arguments: ["train", "--train", "corpus/train.txt", "--valid", "dir", "--out", "r-c5"],
                 status: 1, message: "{dir}/dir is a directory, not a text file", mustNotExist: ["r-c5"]),
            Case(id: "C6 too short for a batch", arguments: ["train", "--train", "one.txt", "--valid", "one.txt", "--test", "one.txt",
                                                             "--out", "r-c6"] + tiny, status: 1,
                 message: "{dir}/one.txt has 3 tokens, too few for one batch of 20 columns (at least 40 are needed); "
                     + "use a longer text or a smaller --batch-size", mustNotExist: ["r-c6"]),
            Case(id: "C7 resume a folder that is not a run", arguments: ["train", "--resume", "dir"], status: 1,
                 message: "dir is not a usable run folder: it has no readable config.json"),
            Case(id: "C8 resume a missing folder", arguments: ["train", "--resume", "missing"], status: 1,
                 message: "missing is not a usable run folder: no such folder"),
            Case(id: "C9 resume a finished run", arguments: ["train", "--resume", "run"], status: 1,
                 message: "run has finished all its epochs; there is nothing to resume (--epochs N with --resume trains on to epoch N)"),
            Case(id: "C10 resume for fewer epochs than done", arguments: ["train", "--resume", "run", "--epochs", "0"], status: 1,
                 message: "run has already done 1 epoch; --epochs 0 with --resume must be more than that"),
            Case(id: "C11 resume a run whose config.json is impossible", arguments: ["train", "--resume", "ck-hidden", "--epochs", "2"],
                 status: 1, message: "ck-hidden is not a usable run folder: config.json describes an impossible model: "
                     + "the hidden size must be at least 1, not -8"),
            Case(id: "C12 resume a run with no weights yet whose config.json asks for more than the memory",
                 arguments: ["train", "--resume", "ck-fresh-huge"], status: 1,
                 message: "ck-fresh-huge is not a usable run folder: config.json describes a model too large for this machine: the model would have "
                     + "1.6e+19 parameters, about 64.0 EB to use (4 bytes each), more than {memory}"),
        ])
    }

    func testTrainingFlags() throws {
        func train(_ flags: String...) -> [String] { ["train", "--corpus", "corpus", "--out", "r-flags"] + flags }
        try check([
            Case(id: "F1 bptt 0", arguments: train("--bptt", "0"), status: 2, message: "--bptt must be at least 1, not 0."),
            Case(id: "F2 negative lr", arguments: train("--lr", "-1"), status: 2, message: "--lr must be a positive number, not -1.0."),
            Case(id: "F3 lr nan", arguments: train("--lr", "nan"), status: 2, message: "--lr must be a positive number, not nan."),
            Case(id: "F4 epochs 0", arguments: train("--epochs", "0"), status: 2, message: "--epochs must be at least 1, not 0."),
            Case(id: "F5 negative clip", arguments: train("--clip", "-1"), status: 2, message: "--clip must be a positive number, not -1.0."),
            Case(id: "F6 negative checkpoint interval", arguments: train("--checkpoint-every", "-1"), status: 2,
                 message: "--checkpoint-every must be 0 (epoch ends only) or more seconds, not -1.0."),
            Case(id: "F7 negative threads", arguments: train("--threads", "-1"), status: 2,
                 message: "--threads must be 0 (all cores) or more, not -1."),
            Case(id: "F8 dropout 1.5", arguments: train("--dropout", "1.5"), status: 2, message: "Dropout must lie in [0, 1), not 1.5."),
            Case(id: "F9 hidden 0", arguments: train("--hidden", "0"), status: 2, message: "The embedding size must be at least 1, not 0."),
            Case(id: "F10 batch size 0", arguments: train("--batch-size", "0"), status: 2, message: "--batch-size must be at least 1, not 0."),
            Case(id: "F11 min-count 0", arguments: train("--min-count", "0"), status: 2, message: "--min-count must be at least 1, not 0."),
            Case(id: "F12 flag contradicts preset", arguments: train("--preset", "zaremba-small", "--hidden", "650"), status: 2,
                 message: "--hidden 650 contradicts --preset zaremba-small (which sets 200); drop one of them."),
            Case(id: "F13 corpus and train", arguments: train("--train", "one.txt"), status: 2,
                 message: "Give either --corpus or --train/--valid/--test, not both."),
            Case(id: "F14 resume with settings", arguments: ["train", "--resume", "run", "--hidden", "8"], status: 2,
                 message: "--resume run continues the run with its own settings; drop --hidden."),
            Case(id: "F15 unknown schedule", arguments: train("--schedule", "cosine"), status: 2,
                 message: "--schedule takes plateau, step or constant, not 'cosine'."),
            Case(id: "F16 hidden size beyond memory", arguments: train("--hidden", "2000000000"), status: 2,
                 message: "The model would have 6.4e+19 parameters, about 256 EB to use (4 bytes each), more than {memory}."),
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.folder + "/r-flags"), "usage errors create nothing")
    }

    /// Sizes against the memory budget, lowered with LSTMKIT_MEMORY_LIMIT so that the figures do
    /// not depend on the machine: `run` has 746 parameters and trains with plain SGD (8 bytes each).
    func testMemoryBudget() throws {
        func limited(_ limit: String, _ cases: [Case]) throws {
            try check(cases, launcher: ["/usr/bin/env", "LSTMKIT_MEMORY_LIMIT=" + limit])
        }
        try limited("5k", [
            Case(id: "G1 resume a run whose training exceeds the memory", arguments: ["train", "--resume", "run", "--epochs", "2"],
                 status: 1, message: "run cannot be trained on this machine: the model would have 746 parameters, about 5.97 kB "
                     + "to train (8 bytes each), more than the 5.00 kB that LSTMKIT_MEMORY_LIMIT allows"),
        ])
        try limited("30k", [
            Case(id: "G2 a new run whose training exceeds the memory", arguments: ["train", "--corpus", "corpus", "--out", "r-g2",
                                                                                  "--hidden", "16"], status: 2,
                 message: "The model would have 4682 parameters, about 37.5 kB to train (8 bytes each), more than the 30.0 kB that "
                     + "LSTMKIT_MEMORY_LIMIT allows.", mustNotExist: ["r-g2"]),
        ])
        try limited("500k", [
            Case(id: "G3 a series model whose training exceeds the memory", arguments: ["series", "train", "--csv", "series/short.csv",
                                                                                       "--window", "1", "--out", "s-g3"], status: 2,
                 message: "The model would have 67201 parameters, about 1.08 MB to train (16 bytes each), more than the 500 kB that "
                     + "LSTMKIT_MEMORY_LIMIT allows.", mustNotExist: ["s-g3"]),
        ])
        try limited("2k", [
            Case(id: "G4 a model larger than the memory", arguments: ["eval", "--model", "run", "one.txt"], status: 1,
                 message: "run is not a usable run folder: config.json describes a model too large for this machine: the model would "
                     + "have 746 parameters, about 2.98 kB to use (4 bytes each), more than the 2.00 kB that LSTMKIT_MEMORY_LIMIT allows"),
        ])
        try limited("lots", [
            Case(id: "G5 an unreadable memory limit", arguments: ["eval", "--model", "run", "one.txt"], status: 1,
                 message: "LSTMKIT_MEMORY_LIMIT='lots' is not a byte count (a number, optionally followed by k, M, G or T, such as 8G)"),
        ])
        try check([
            Case(id: "G6 bench lm beyond memory", arguments: ["bench", "lm", "--corpus", "corpus", "--hidden", "2000000000"], status: 2,
                 message: "The model would have 6.4e+19 parameters, about 256 EB to use (4 bytes each), more than {memory}."),
        ])
    }

    func testModelFolders() throws {
        try check([
            Case(id: "M1 model folder missing", arguments: ["eval", "--model", "missing", "one.txt"], status: 1,
                 message: "missing is not a usable run folder: no such folder"),
            Case(id: "M2 model folder without config", arguments: ["repl", "--model", "dir"], status: 1,
                 message: "dir is not a usable run folder: it has no readable config.json"),
            Case(id: "M3 config.json cut short", arguments: ["eval", "--model", "ck-config", "one.txt"], status: 1,
                 message: "ck-config is not a usable run folder: config.json is not valid JSON"),
            Case(id: "M4 config.json with an impossible model", arguments: ["generate", "--model", "ck-hidden", "--prompt", "the",
                                                                           "--words", "2"], status: 1,
                 message: "ck-hidden is not a usable run folder: config.json describes an impossible model: "
                     + "the hidden size must be at least 1, not -8"),
            Case(id: "M9 config.json far larger than its weights", arguments: ["fill", "--model", "ck-big", "the ___"], status: 1,
                 message: "ck-big is not a usable run folder: config.json describes a model of 16100090 parameters, more than "
                     + "the 746 of model.safetensors; the two files do not belong together"),
            Case(id: "M10 config.json larger than this machine's memory", arguments: ["fill", "--model", "ck-huge", "the ___"], status: 1,
                 message: "ck-huge is not a usable run folder: config.json describes a model too large for this machine: the model would have "
                     + "1.6e+19 parameters, about 64.0 EB to use (4 bytes each), more than {memory}"),
            Case(id: "M5 vocabulary does not match the model", arguments: ["eval", "--model", "ck-vocab", "one.txt"], status: 1,
                 message: "ck-vocab is not a usable run folder: vocab.tsv has 11 entries but the model was built for 10"),
            Case(id: "M7 weights file missing", arguments: ["eval", "--model", "run", "--weights", "epoch3.safetensors", "one.txt"],
                 status: 1, message: "run is not a usable run folder: it has no epoch3.safetensors (has training saved a model yet?)"),
            Case(id: "M8 weights outside the run folder", arguments: ["eval", "--model", "run", "--weights", "../other/model.safetensors",
                                                                     "one.txt"], status: 2,
                 message: "--weights names a file inside the run folder, such as last.safetensors, not '../other/model.safetensors'."),
            Case(id: "M6 text too short to evaluate", arguments: ["eval", "--model", "run", "empty.txt"], status: 1,
                 message: "empty.txt has 0 tokens counting each line's <eos>, too few to evaluate (at least 2 are needed)"),
        ])
    }

    func testDamagedCheckpoints() throws {
        func eval(_ name: String) -> [String] { ["eval", "--model", "ck-" + name, "--threads", "1", "one.txt"] }
        let invalid = "invalid safetensors file ck-"
        // Header length 632 bytes (the one-layer model's), 2984 data bytes: 3624 in all.
        let h = 8 + 632, size = h + 2984
        try check([
            Case(id: "K1 empty checkpoint", arguments: eval("cut-0"), status: 1,
                 message: invalid + "cut-0/model.safetensors: file is 0 bytes, shorter than the 8-byte header length"),
            Case(id: "K2 cut inside the length", arguments: eval("cut-5"), status: 1,
                 message: invalid + "cut-5/model.safetensors: file is 5 bytes, shorter than the 8-byte header length"),
            Case(id: "K3 cut after the length", arguments: eval("cut-8"), status: 1,
                 message: invalid + "cut-8/model.safetensors: header length 632 bytes runs past the end of the 8-byte file"),
            Case(id: "K4 cut inside the header", arguments: eval("cut-\(8 + 316)"), status: 1,
                 message: invalid + "cut-324/model.safetensors: header length 632 bytes runs past the end of the 324-byte file"),
            Case(id: "K5 cut after the header", arguments: eval("cut-\(h)"), status: 1,
                 message: invalid + "cut-\(h)/model.safetensors: tensor 'encoder.weight' data_offsets [0, 320] end at byte 960 "
                     + "but the file has 640 bytes (truncated, or offsets outside the file)"),
            Case(id: "K6 cut inside the data", arguments: eval("cut-\(h + 100)"), status: 1,
                 message: invalid + "cut-\(h + 100)/model.safetensors: tensor 'encoder.weight' data_offsets [0, 320] end at byte 960 "
                     + "but the file has 740 bytes (truncated, or offsets outside the file)"),
            Case(id: "K7 last byte missing", arguments: eval("cut-\(size - 1)"), status: 1,
                 message: invalid + "cut-\(size - 1)/model.safetensors: tensor 'decoder.bias' data_offsets [2944, 2984] end at byte 3624 "
                     + "but the file has 3623 bytes (truncated, or offsets outside the file)"),
            Case(id: "K8 huge header length", arguments: eval("huge-header"), status: 1,
                 message: invalid + "huge-header/model.safetensors: header length 4611686018427387904 bytes exceeds the limit of 104857600"),
            Case(id: "K9 header not JSON", arguments: eval("not-json"), status: 1,
                 message: invalid + "not-json/model.safetensors: header is not well-formed JSON"),
            Case(id: "K10 offsets outside the file", arguments: eval("offsets-outside"), status: 1,
                 message: invalid + "offsets-outside/model.safetensors: tensor 'encoder.weight' data_offsets [100000, 100320] end at byte "
                     + "\(h + 8 + 100320) but the file has \(size + 8) bytes (truncated, or offsets outside the file)"),
            Case(id: "K11 wrong dtype", arguments: eval("dtype"), status: 1,
                 message: invalid + "dtype/model.safetensors: tensor 'encoder.weight' has dtype F16; only F32 is supported"),
            Case(id: "K12 shape and size disagree", arguments: eval("shape"), status: 1,
                 message: invalid + "shape/model.safetensors: tensor 'encoder.weight' spans 320 bytes but shape [11, 8] needs 352"),
            Case(id: "K13 checkpoint of another model", arguments: eval("other-model"), status: 1,
                 message: "ck-other-model is not a usable run folder: config.json describes a model of 746 parameters, more than "
                     + "the 466 of model.safetensors; the two files do not belong together"),
            Case(id: "K14 tensor missing", arguments: eval("missing-tensor"), status: 1,
                 message: "cannot load ck-missing-tensor/model.safetensors: parameter 'decoder.bias' is missing"),
            Case(id: "K15 NaN weight", arguments: eval("nan"), status: 1,
                 message: "cannot load ck-nan/model.safetensors: parameter 'encoder.weight' holds nan at element 10; "
                     + "a usable model has finite weights"),
        ])
    }

    func testPredictionFlags() throws {
        try check([
            Case(id: "P1 k 0", arguments: ["repl", "--model", "run", "--k", "0"], status: 2, message: "--k must be at least 1."),
            Case(id: "P2 k above the vocabulary", arguments: ["repl", "--model", "run", "--k", "1000"], status: 1,
                 message: "cannot show 1000 next words: the vocabulary has 10"),
            Case(id: "P3 words 0", arguments: ["generate", "--model", "run", "--prompt", "the", "--words", "0"], status: 2,
                 message: "--words must be at least 1."),
            Case(id: "P4 negative temperature", arguments: ["generate", "--model", "run", "--prompt", "the", "--words", "2",
                                                           "--temperature", "-1"], status: 2,
                 message: "temperature must be a finite number >= 0 (0 picks the most likely word), not -1.0."),
            Case(id: "P5 top-p above 1", arguments: ["generate", "--model", "run", "--prompt", "the", "--words", "2", "--top-p", "2"],
                 status: 2, message: "top-p must be greater than 0 and at most 1 (1 keeps every word), not 2.0."),
            Case(id: "P6 model and demo model", arguments: ["generate", "--model", "run", "--demo-model", "bigram", "--prompt", "the",
                                                           "--words", "2"], status: 2,
                 message: "Give either --model or --demo-model, not both."),
        ])
    }

    func testScoringAndSeries() throws {
        try check([
            Case(id: "B1 parallel files of different lengths", arguments: ["bleu", "--hyp", "hyp3.txt", "--ref", "ref2.txt"], status: 1,
                 message: "hyp3.txt has 3 lines but ref2.txt has 2: hypotheses and references must be line-aligned"),
            Case(id: "B2 hypotheses missing", arguments: ["bleu", "--hyp", "missing.txt", "--ref", "ref2.txt"], status: 1,
                 message: "cannot read missing.txt: no such file"),
            Case(id: "B3 binary hypotheses", arguments: ["bleu", "--hyp", "latin1.txt", "--ref", "ref2.txt"], status: 1,
                 message: "latin1.txt is not valid UTF-8: line 2, byte offset 6"),
            Case(id: "S1 CSV missing", arguments: ["series", "train", "--csv", "missing.csv", "--window", "4", "--out", "s-1"], status: 1,
                 message: "cannot open missing.csv: No such file or directory", mustNotExist: ["s-1"]),
            Case(id: "S2 CSV cell not a number", arguments: ["series", "train", "--csv", "series/bad.csv", "--window", "4", "--out", "s-2"],
                 status: 1, message: "series/bad.csv line 3: column 2 (\"b\") holds \"x\", which is not a number", mustNotExist: ["s-2"]),
            Case(id: "S3 series too short", arguments: ["series", "train", "--csv", "series/short.csv", "--window", "4", "--out", "s-3"],
                 status: 1, message: "series/short.csv: 3 values are too few for a window of 4 and a horizon of 1 with 20% kept for "
                     + "validation: the training part needs at least 5 values (it has 2) and the validation part at least 1 (it has 1)",
                 mustNotExist: ["s-3"]),
            Case(id: "S4 window 0", arguments: ["series", "train", "--csv", "series/short.csv", "--window", "0"], status: 2,
                 message: "The window must hold at least one value."),
            Case(id: "S5 hidden size beyond memory", arguments: ["series", "train", "--csv", "series/short.csv", "--window", "1",
                                                                  "--hidden", "2000000000", "--out", "s-5"], status: 2,
                 message: "The model would have 1.6e+19 parameters, about 64.0 EB to use (4 bytes each), more than {memory}.",
                 mustNotExist: ["s-5"]),
        ])
    }

    func testTranslationAndFillInCommands() throws {
        func translate(_ prefix: String, _ flags: String...) -> [String] {
            ["translate", "train", "--train", prefix, "--valid", prefix, "--src", "en", "--tgt", "fr", "--out", "tr",
             "--epochs", "1", "--threads", "1"] + flags
        }
        // What fill, fill-eval and repl take.
        let fillers = "not a language model or a cloze (fill-in-the-blank) model"
        try check([
            Case(id: "X1 parallel files of different lengths", arguments: translate("parallel/uneven"), status: 1,
                 message: "parallel/uneven.en has 3 lines but parallel/uneven.fr has 2: the two sides of a parallel corpus must be line-aligned",
                 mustNotExist: ["tr"]),
            Case(id: "X2 parallel file missing", arguments: translate("parallel/none"), status: 1,
                 message: "cannot open parallel/none.en: No such file or directory", mustNotExist: ["tr"]),
            Case(id: "X3 batch size 0", arguments: translate("parallel/ok", "--batch-size", "0"), status: 2,
                 message: "--batch-size, --min-count, --max-length and --valid-beam must be at least 1."),
            Case(id: "X4 negative lr", arguments: translate("parallel/ok", "--lr", "-1"), status: 2,
                 message: "--lr must be positive, --clip non-negative and --lr-decay at least 1."),
            Case(id: "X5 a language-model folder as translator", arguments: ["translate", "run", "--model", "run"], status: 1,
                 message: "run/config.json is not a translation run configuration: 'sourceLanguage' is missing"),
            Case(id: "X6 translator folder missing", arguments: ["translate", "run", "--model", "dir"], status: 1,
                 message: "dir/config.json is missing: is dir a translation run folder (lstmkit translate train --out)?"),
            Case(id: "X7 translations over their source", arguments: ["translate", "eval", "--model", "dir", "--src", "one.txt",
                                                                     "--ref", "hyp3.txt", "--output", "./one.txt"], status: 1,
                 message: "--output ./one.txt is the --src file itself; writing the translations would replace it, choose another file"),
            Case(id: "X9 decoder beyond memory", arguments: translate("parallel/ok", "--decoder-hidden", "2000000000", "--min-count", "1"),
                 status: 1, message: "invalid translator configuration: the model would have at least 3.6e+19 parameters, about 144 EB to use "
                     + "(4 bytes each), more than {memory}", mustNotExist: ["tr"]),
            Case(id: "X8 beam 0", arguments: ["translate", "run", "--model", "run", "--beam", "0"], status: 2,
                 message: "--beam must be at least 1."),
            Case(id: "L1 sentence without a blank", arguments: ["fill", "--model", "run", "the cat sleeps"], status: 1,
                 message: "'the cat sleeps' has no blank; write each blank as ___"),
            Case(id: "L2 fill k 0", arguments: ["fill", "--model", "run", "--k", "0", "the ___ sleeps"], status: 2,
                 message: "--k must be at least 1."),
            Case(id: "L3 items file of another kind", arguments: ["fill-eval", "--model", "run", "one.txt"], status: 1,
                 message: "one.txt has no item every model can evaluate: 1 line skipped, the first at one.txt:1: has 1 tab-separated "
                     + "fields; an item is sentence<TAB>answer[<TAB>candidates[<TAB>distance<TAB>attractors<TAB>construction]]"),
            Case(id: "L4 empty items file", arguments: ["fill-eval", "--model", "run", "empty.txt"], status: 1,
                 message: "empty.txt holds no items"),
            Case(id: "L5 bptt for a cloze model", arguments: ["train", "--task", "cloze", "--corpus", "corpus", "--bptt", "5"], status: 2,
                 message: "--bptt applies to language models only; a cloze model reads whole sentences."),
            Case(id: "L6 cloze items without a vocabulary", arguments: ["cloze", "make", "--from", "one.txt"], status: 2,
                 message: "Give the vocabulary: --model FOLDER (its vocabulary and tokenizer) or --vocab FILE, one of them."),
            Case(id: "L7 tied cloze model of mismatched widths",
                 arguments: ["train", "--task", "cloze", "--corpus", "corpus", "--tie-weights", "--projection", "100"], status: 2,
                 message: "Tied weights need the projection (100) to be as wide as the embedding (200)."),
            Case(id: "L8 weight drop of 1", arguments: ["train", "--corpus", "corpus", "--weight-drop", "1"], status: 2,
                 message: "The weight drop must lie in [0, 1), not 1.0."),
            Case(id: "L30 embedding dropout of 1", arguments: ["train", "--corpus", "corpus", "--embedding-dropout", "1"], status: 2,
                 message: "The embedding dropout must lie in [0, 1), not 1.0."),
            Case(id: "L9 averaging from epoch 0", arguments: ["train", "--corpus", "corpus", "--average-from", "0"], status: 2,
                 message: "--average-from must be an epoch, 1 or more, not 0."),
            Case(id: "L10 negative sentence weight", arguments: ["fill", "--model", "run", "--sentence-weight", "-1", "the ___ sleeps"],
                 status: 2, message: "--sentence-weight must lie in [0, 100], not -1.0."),
            Case(id: "L11 negative rescore count", arguments: ["fill-eval", "--model", "run", "--rescore", "-1", "one.txt"],
                 status: 2, message: "--rescore must be 0 or more, not -1."),
            Case(id: "L24 a translation run to fill blanks", arguments: ["fill", "--model", "translation", "the ___ sleeps"], status: 1,
                 message: "translation is not a usable run folder: config.json describes a translation run, \(fillers)"),
            Case(id: "L25 a translation run for the REPL", arguments: ["repl", "--model", "translation"], status: 1,
                 message: "translation is not a usable run folder: config.json describes a translation run, \(fillers)"),
            Case(id: "L26 a run folder of no kind", arguments: ["fill-eval", "--model", "no-kind", "items.tsv"], status: 1,
                 message: "no-kind is not a usable run folder: config.json describes a run of unknown kind (it has no 'kind' field), \(fillers)"),
            Case(id: "L27 a translation run to evaluate", arguments: ["eval", "--model", "translation", "one.txt"], status: 1,
                 message: "translation is not a usable run folder: config.json describes a translation run, not a language model"),
            // A long sentence or word is quoted by its first 60 characters, not whole.
            Case(id: "L19 long sentence without a blank", arguments: ["fill", "--model", "run", String(repeating: "cat ", count: 2000)],
                 status: 1, message: "'\(String(repeating: "cat ", count: 15))…' has no blank; write each blank as ___"),
            Case(id: "L20 long answer outside the vocabulary", arguments: ["fill-eval", "--model", "run", "long-answer.tsv"], status: 1,
                 message: "long-answer.tsv has no item every model can evaluate: 1 line skipped, the first at long-answer.tsv:1: "
                     + "the answer '\(String(repeating: "x", count: 60))…' is not a word of the vocabulary of run"),
        ])
    }

    /// Where fill-eval and cloze make write: refused before any work, and never over their input
    /// or over a device.
    func testFillInOutputs() throws {
        let folder = Self.folder
        XCTAssertEqual(mkfifo(folder + "/fifo", 0o644), 0)
        defer { unlink(folder + "/fifo") }
        let items = try String(contentsOfFile: folder + "/items.tsv", encoding: .utf8)
        try check([
            // items.tsv's second line would be reported as skipped if the evaluation ran first.
            Case(id: "L12 ranks into a missing folder", arguments: ["fill-eval", "--model", "run", "--ranks", "nowhere/r.tsv", "items.tsv"],
                 status: 1, message: "cannot write nowhere/r.tsv: No such file or directory", mustNotExist: ["nowhere"]),
            Case(id: "L13 ranks over the items", arguments: ["fill-eval", "--model", "run", "--ranks", "./items.tsv", "items.tsv"],
                 status: 1, message: "--ranks ./items.tsv is the items file itself; writing the ranks would replace it, choose another file"),
            Case(id: "L14 ranks into a pipe", arguments: ["fill-eval", "--model", "run", "--ranks", "fifo", "items.tsv"],
                 status: 1, message: "cannot write fifo: it is a device, pipe or socket, not a regular file"),
            Case(id: "L15 cloze items over their text",
                 arguments: ["cloze", "make", "--vocab", "run/vocab.tsv", "--from", "held.txt", "-o", "held.txt"], status: 1,
                 message: "-o held.txt is the --from file itself; writing the items would replace it, choose another file"),
            Case(id: "L28 cloze items over their vocabulary",
                 arguments: ["cloze", "make", "--vocab", "held-vocab.tsv", "--from", "held.txt", "-o", "./held-vocab.tsv"], status: 1,
                 message: "-o ./held-vocab.tsv is the --vocab file itself; writing the items would replace it, choose another file"),
            Case(id: "L29 cloze items from one-word lines",
                 arguments: ["cloze", "make", "--vocab", "run/vocab.tsv", "--from", "one-word.txt", "--candidates", "50", "-o", "made.tsv"],
                 status: 1, message: "one-word.txt gives no item: none of its 2 lines holds a word of the vocabulary to blank and at least "
                     + "one other token", mustNotExist: ["made.tsv"]),
            Case(id: "L16 cloze items from an empty file",
                 arguments: ["cloze", "make", "--vocab", "run/vocab.tsv", "--from", "empty.txt", "-o", "made.tsv"], status: 1,
                 message: "empty.txt gives no item: none of its 0 lines holds a word of the vocabulary to blank and at least one other token",
                 mustNotExist: ["made.tsv"]),
            Case(id: "L17 fill reads a line without a blank", arguments: ["fill", "--model", "run", "--k", "1", "--threads", "1"],
                 status: 1, message: "<stdin>:3: 'no blank' has no blank; write each blank as ___", stdin: "the ___ sleeps .\n\nno blank\n"),
            Case(id: "L18 no items on standard input", arguments: ["fill-eval", "--model", "run", "-"], status: 1,
                 message: "<stdin> holds no items"),
            Case(id: "L21 ranks to standard output", arguments: ["fill-eval", "--model", "run", "--ranks", "-", "items.tsv"], status: 2,
                 message: "--ranks takes a file name, not - (standard output carries the report).", mustNotExist: ["-"]),
            Case(id: "L22 ranks to an empty name", arguments: ["fill-eval", "--model", "run", "--ranks", "", "items.tsv"], status: 2,
                 message: "--ranks takes a file name, not an empty one."),
            Case(id: "L23 cloze items to an empty name",
                 arguments: ["cloze", "make", "--vocab", "run/vocab.tsv", "--from", "held.txt", "-o", ""], status: 2,
                 message: "-o takes a file name, not an empty one (leave it out, or give -, for standard output)."),
        ])
        XCTAssertEqual(try String(contentsOfFile: folder + "/items.tsv", encoding: .utf8), items, "L13 leaves the items alone")
        XCTAssertEqual(try String(contentsOfFile: folder + "/held.txt", encoding: .utf8), "the cat sleeps .\n", "L15 leaves the text alone")
        var info = stat()
        XCTAssertEqual(stat(folder + "/fifo", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "L14 leaves the pipe a pipe")
    }
}
