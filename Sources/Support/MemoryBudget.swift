import Foundation

/// Whether a model of a given parameter count fits in memory, checked from the sizes alone
/// before anything is allocated: sizes from a mistyped flag or a damaged `config.json` can ask
/// for terabytes, and an allocation that fails is a trap, not an error message. The budget is the
/// machine's physical memory, or less when `LSTMKIT_MEMORY_LIMIT` says so.
public enum MemoryBudget {
    /// Bytes a parameter takes to be used: one `Float`.
    public static let bytesToUse = 4.0
    /// Bytes a parameter takes to be trained when the optimizer is not known: the weight, its
    /// gradient and two optimizer moments (Adam's), one `Float` each.
    public static let bytesToTrain = 16.0
    /// The environment variable that lowers the budget: bytes, or a number followed by k, M, G
    /// or T (powers of 1000), such as `8G`.
    public static let limitVariable = "LSTMKIT_MEMORY_LIMIT"

    /// How many bytes models may take, and how messages name that amount.
    public struct Budget: Sendable, Equatable {
        public let bytes: Double
        /// "this machine's 25.3 GB of memory", "the 1.00 MB that LSTMKIT_MEMORY_LIMIT allows".
        public let phrase: String
        /// Set when `LSTMKIT_MEMORY_LIMIT` cannot be read: every check then fails with it.
        public let error: String?

        /// The whole of a machine with `bytes` of memory.
        public static func machine(_ bytes: Double) -> Budget {
            Budget(bytes: bytes, phrase: "this machine's \(text(bytes: bytes)) of memory", error: nil)
        }

        /// `LSTMKIT_MEMORY_LIMIT=value` on a machine with `machine` bytes: the smaller of the two.
        public static func limit(_ value: String, machine: Double) -> Budget {
            guard let bytes = parse(value) else {
                return Budget(bytes: 0, phrase: "", error: "\(limitVariable)='\(value.prefix(40))' is not a byte count "
                                  + "(a number, optionally followed by k, M, G or T, such as 8G)")
            }
            if bytes >= machine { return .machine(machine) }
            return Budget(bytes: bytes, phrase: "the \(text(bytes: bytes)) that \(limitVariable) allows", error: nil)
        }

        /// This process's budget: the environment's limit when set, else the machine's memory.
        public static var current: Budget {
            let machine = Double(ProcessInfo.processInfo.physicalMemory)
            guard let value = ProcessInfo.processInfo.environment[limitVariable] else { return .machine(machine) }
            return .limit(value, machine: machine)
        }

        static func parse(_ value: String) -> Double? {
            let units: [Character: Double] = ["k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
            var number = Substring(value.trimmingCharacters(in: .whitespaces)), scale = 1.0
            if let last = number.last, let unit = units[last] {
                scale = unit
                number = number.dropLast()
            }
            guard let figure = Double(number), figure.isFinite, figure > 0 else { return nil }
            return figure * scale
        }
    }

    /// Why `parameters` parameters at `bytesPerParameter` each do not fit in `budget`, as a
    /// sentence; nil when they fit. `purpose` is "use" or "train"; `lowerBound` says the count is
    /// a least figure ("at least N parameters").
    public static func problem(parameters: Double, bytesPerParameter: Double, purpose: String, lowerBound: Bool = false,
                               budget: Budget = .current) -> String? {
        if let error = budget.error { return error }
        let needed = parameters * bytesPerParameter
        guard !(needed <= budget.bytes) else { return nil }
        return "the model would have \(lowerBound ? "at least " : "")\(count(parameters)) parameters, about "
            + "\(text(bytes: needed)) to \(purpose) (\(count(bytesPerParameter)) bytes each), more than \(budget.phrase)"
    }

    /// The check for using a model: its weights alone must fit.
    public static func useProblem(parameters: Double, lowerBound: Bool = false, budget: Budget = .current) -> String? {
        problem(parameters: parameters, bytesPerParameter: bytesToUse, purpose: "use", lowerBound: lowerBound, budget: budget)
    }

    /// The check for training a model: weights, gradients and optimizer state must fit.
    public static func trainingProblem(parameters: Double, bytesPerParameter: Double = bytesToTrain, lowerBound: Bool = false,
                                       budget: Budget = .current) -> String? {
        problem(parameters: parameters, bytesPerParameter: bytesPerParameter, purpose: "train", lowerBound: lowerBound,
                budget: budget)
    }

    /// Bytes the kernel reports as available to new allocations now (`MemAvailable` in
    /// `/proc/meminfo`, free memory plus caches it can drop); nil where that cannot be read.
    public static func availableBytes(meminfo path: String = "/proc/meminfo") -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kibibytes = Double(fields[1]), kibibytes >= 0 else { return nil }
            return kibibytes * 1024
        }
        return nil
    }

    /// A note for a model that fits the budget (the machine's memory) but not the memory
    /// available now, which other programs hold: the run may start and then be stopped by the
    /// system. Nil when it fits, or when `available` is unknown.
    public static func availabilityNote(parameters: Double, bytesPerParameter: Double, purpose: String = "train",
                                        available: Double? = availableBytes()) -> String? {
        let needed = parameters * bytesPerParameter
        guard let available, needed > available else { return nil }
        return "note: the model needs about \(text(bytes: needed)) to \(purpose) (\(count(bytesPerParameter)) bytes a "
            + "parameter), more than the \(text(bytes: available)) of memory available now; the system may stop this run "
            + "unless other programs free some"
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
