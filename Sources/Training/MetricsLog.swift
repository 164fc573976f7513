import Foundation
import Support

/// `metrics.jsonl`: one JSON object per line, one line per log step or epoch. Records are kept in
/// memory and the whole file is rewritten atomically on `flush()`, so the file on disk always
/// matches a state the run could resume from (a resumed run drops records past its checkpoint).
public final class MetricsLog {
    public struct Record: Codable, Equatable {
        /// "step", "epoch" or "test".
        public var kind: String
        public var epoch: Int
        /// Optimizer steps taken so far in the run.
        public var step: Int
        public var values: [String: Double]

        public init(kind: String, epoch: Int, step: Int, values: [String: Double]) {
            self.kind = kind
            self.epoch = epoch
            self.step = step
            self.values = values
        }
    }

    public let path: String
    public private(set) var records: [Record] = []

    public init(path: String, records: [Record] = []) {
        self.path = path
        self.records = records
    }

    public func append(_ record: Record) { records.append(record) }

    /// Keeps only records up to and including optimizer step `step`.
    public func truncate(afterStep step: Int) { records.removeAll { $0.step > step } }

    /// Keeps only the first `count` records (what a checkpoint had seen, when resuming).
    public func keepFirst(_ count: Int) {
        if records.count > count { records.removeLast(records.count - count) }
    }

    public func flush() throws {
        var text = ""
        for r in records { text += Self.encode(r) + "\n" }
        try AtomicFile.write(text, to: path)
    }

    /// Reads an existing log; a malformed line is an error naming the file and line.
    public static func load(path: String) throws -> MetricsLog {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MetricsLogError(path: path, line: nil, cause: "cannot read the file")
        }
        var records: [Record] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let r = decode(String(line)) else {
                throw MetricsLogError(path: path, line: i + 1, cause: "not a metrics record")
            }
            records.append(r)
        }
        return MetricsLog(path: path, records: records)
    }

    /// Flat JSON: `{"kind":"epoch","epoch":3,"step":6966,"train_ppl":…}` with sorted value keys,
    /// so the file is easy to read with jq or pandas and stable across runs.
    static func encode(_ r: Record) -> String {
        var parts = ["\"kind\":\"\(r.kind)\"", "\"epoch\":\(r.epoch)", "\"step\":\(r.step)"]
        for key in r.values.keys.sorted() {
            let v = r.values[key]!
            parts.append("\"\(key)\":" + (v.isFinite ? "\(v)" : "null"))
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func decode(_ line: String) -> Record? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let kind = object["kind"] as? String,
              let epoch = (object["epoch"] as? NSNumber)?.intValue,
              let step = (object["step"] as? NSNumber)?.intValue else { return nil }
        var values: [String: Double] = [:]
        for (k, v) in object where !["kind", "epoch", "step"].contains(k) {
            if let n = v as? NSNumber { values[k] = n.doubleValue } else if v is NSNull { values[k] = .nan }
        }
        return Record(kind: kind, epoch: epoch, step: step, values: values)
    }
}

public struct MetricsLogError: Error, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var cause: String
    public var description: String {
        line.map { "\(path):\($0): \(cause)" } ?? "\(path): \(cause)"
    }
}
