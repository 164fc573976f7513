import Foundation

/// Whether a model of a given parameter count fits this machine's memory, checked from the sizes
/// alone before anything is allocated: sizes from a mistyped flag or a damaged `config.json` can
/// ask for terabytes, and an allocation that fails is a trap, not an error message.
public enum MemoryBudget {
    /// Bytes a parameter takes to be used: one `Float`.
    public static let bytesToUse = 4.0
    /// Bytes a parameter takes to be trained: the weight, its gradient and the optimizer's two
    /// moments (Adam's; SGD keeps fewer), one `Float` each.
    public static let bytesToTrain = 16.0

    /// This machine's physical memory in bytes.
    public static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Why `parameters` parameters at `bytesPerParameter` each do not fit in `memory` bytes, as
    /// a sentence; nil when they fit. `purpose` is "use" or "train".
    public static func problem(parameters: Double, bytesPerParameter: Double, purpose: String,
                               memory: Double = physicalMemory) -> String? {
        let needed = parameters * bytesPerParameter
        guard !(needed <= memory) else { return nil }
        return "the model would have \(count(parameters)) parameters, about \(text(bytes: needed)) to \(purpose) "
            + "(\(Int(bytesPerParameter)) bytes each), more than this machine's \(text(bytes: memory)) of memory"
    }

    /// The check for using a model: its weights alone must fit.
    public static func useProblem(parameters: Double, memory: Double = physicalMemory) -> String? {
        problem(parameters: parameters, bytesPerParameter: bytesToUse, purpose: "use", memory: memory)
    }

    /// The check for training a model: weights, gradients and optimizer state must fit.
    public static func trainingProblem(parameters: Double, memory: Double = physicalMemory) -> String? {
        problem(parameters: parameters, bytesPerParameter: bytesToTrain, purpose: "train", memory: memory)
    }

    /// A count for messages: whole below 10¹², else three figures.
    public static func count(_ value: Double) -> String {
        value < 1e12 ? String(format: "%.0f", value) : String(format: "%.3g", value)
    }

    /// A byte count in decimal units ("24.0 GB", "6.40 TB").
    public static func text(bytes value: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var scaled = value, unit = 0
        while scaled >= 1000 && unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        let figure = scaled >= 1000 ? String(format: "%.3g", scaled)
            : String(format: unit == 0 || scaled >= 100 ? "%.0f" : scaled >= 10 ? "%.1f" : "%.2f", scaled)
        return figure + " " + units[unit]
    }
}
