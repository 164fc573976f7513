import ArgumentParser
import CICU
import Foundation
import Text

/// `lstmkit bench tokenizer`: tokenizer throughput in MB/s on one thread, the whole pipeline
/// (chunked read, UTF-8 check, normalization, ICU segmentation, token strings), with and
/// without case folding + NFKC.
struct BenchTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Tokenizer throughput in MB/s (1 thread), with and without case folding + NFKC.",
        discussion: "Without files it reads ../shared/corpora/ptb/ptb.train.txt and ../shared/corpora/multi30k/train.{en,de}."
    )

    static let defaultFiles = [
        "../shared/corpora/ptb/ptb.train.txt",
        "../shared/corpora/multi30k/train.en",
        "../shared/corpora/multi30k/train.de",
    ]

    @Argument(help: "Text files to tokenize.")
    var files: [String] = []

    @Option(help: "Timed runs per file and setting; the median is reported.")
    var runs = 5

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
    }

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; build with `swift build -c release` for real figures")
        #endif
        var paths = files
        if paths.isEmpty {
            paths = Self.defaultFiles.filter { FileManager.default.fileExists(atPath: $0) }
            guard !paths.isEmpty else {
                throw ValidationError("no files given and ../shared/corpora is not there; pass text files to measure.")
            }
        }
        var folded = TokenizerOptions(normalization: .nfkc, foldsCase: true)
        folded.locale = "en"
        let settings: [(String, TokenizerOptions)] = [
            ("icu, NFC", TokenizerOptions()),
            ("icu, case folding + NFKC", folded),
            ("whitespace split", .whitespace),
        ]
        print(column("file", 16) + column("MB", 6, right: true) + "  " + column("setting", 28)
              + column("tokens", 10, right: true) + column("MB/s wall", 11, right: true)
              + column("MB/s CPU", 10, right: true) + "   (medians of \(runs) runs)")
        for path in paths {
            let bytes = Double(try fileSize(path))
            let name = URL(fileURLWithPath: path).lastPathComponent
            func report(_ setting: String, _ result: Measurement) {
                print(column(name, 16) + column(String(format: "%.2f", bytes / 1e6), 6, right: true) + "  "
                      + column(setting, 28) + column(grouped(result.count), 10, right: true)
                      + column(String(format: "%.1f", bytes / 1e6 / result.wall), 11, right: true)
                      + column(String(format: "%.1f", bytes / 1e6 / result.cpu), 10, right: true))
            }
            for (setting, options) in settings {
                report(setting, try measure {
                    var count = 0
                    try TokenizedText(paths: [path], options: options).forEachLine { count += $0.count }
                    return count
                })
            }
            report("reference: ICU breaks only", try icuBreaksAlone(path))
        }
    }

    struct Measurement {
        var wall: Double
        var cpu: Double
        var count: Int
    }

    /// Runs `body` `runs` times; median wall-clock and thread CPU seconds. CPU time is the
    /// steadier figure when other jobs share the machine.
    private func measure(_ body: () throws -> Int) rethrows -> Measurement {
        var walls: [Double] = []
        var cpus: [Double] = []
        var count = 0
        for _ in 0..<runs {
            let wallStart = DispatchTime.now().uptimeNanoseconds
            let cpuStart = threadCPUSeconds()
            count = try body()
            cpus.append(threadCPUSeconds() - cpuStart)
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9)
        }
        return Measurement(wall: walls.sorted()[runs / 2], cpu: cpus.sorted()[runs / 2], count: count)
    }

    private func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The floor under any ICU tokenizer: ICU's word break iterator alone over the file's
    /// lines, already in memory as UTF-16 (no reading, normalizing, classifying or strings).
    /// Measured in the same run so the ratio survives a busy machine.
    private func icuBreaksAlone(_ path: String) throws -> Measurement {
        let reader = try LineReader(path: path)
        var lines: [[UInt16]] = []
        while let line = try reader.readLine() { lines.append(Array(line.utf16)) }
        var error: Int32 = 0
        guard let iterator = cicu_break_open(Int32(CICU_BREAK_WORD.rawValue), "en", &error) else {
            throw TokenizerError(operation: "opening a word break iterator", icuError: String(cString: cicu_error_name(error)))
        }
        defer { cicu_break_close(iterator) }
        return measure {
            var boundaries = 0
            for line in lines {
                line.withUnsafeBufferPointer { units in
                    cicu_break_set_text(iterator, units.baseAddress, Int32(units.count), &error)
                    while cicu_break_next(iterator) >= 0 {
                        boundaries += cicu_break_rule_status(iterator) >= 0 ? 1 : 0
                    }
                }
            }
            return boundaries
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? NSNumber else {
            throw TextFileError.cannotOpen(path: path, cause: "no such file")
        }
        return size.intValue
    }

    private func column(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
