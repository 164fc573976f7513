import ArgumentParser
import Foundation
import NN
import Tensor

/// `lstmkit bench core`: GEMM, LSTM layer and softmax cross-entropy speed (see CoreBenchmark).
struct BenchCoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "GEMM GFLOP/s at LSTM and softmax shapes, LSTM layer forward+backward and fused softmax cross-entropy time.",
        discussion: "Compare with scripts/bench/core_torch.py (same rows in PyTorch), or run scripts/bench/core.sh for both, several times, with medians and ratios."
    )

    @Option(name: .long, parsing: .upToNextOption, help: "Thread counts to measure (default: 1 and 2).")
    var threads: [Int] = [1, 2]

    @Option(name: .long, help: "Minimum seconds spent per row.")
    var seconds: Double = 0.5

    @Option(name: .long, help: "Only rows whose name contains this text.")
    var only: String?

    @Flag(name: .long, help: "Print one JSON object per row (for scripts).")
    var json = false

    func validate() throws {
        guard !threads.isEmpty, threads.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--threads needs positive thread counts, e.g. --threads 1 2")
        }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        if !json {
            print("row".padding(toLength: 48, withPad: " ", startingAt: 0) + "threads        value")
        }
        _ = CoreBenchmark.run(threadCounts: threads, minimumSeconds: seconds, filter: only) { row in
            if json {
                let name = row.name.replacingOccurrences(of: "\"", with: "\\\"")
                print("{\"name\": \"\(name)\", \"threads\": \(row.threads), \"value\": \(row.value), \"unit\": \"\(row.unit)\"}")
            } else {
                let value = String(format: "%10.2f %@", row.value, row.unit)
                print(row.name.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%7d", row.threads) + "  " + value)
            }
            fflush(stdout)
        }
    }
}
