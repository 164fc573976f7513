import Foundation
import Support

/// Why a safetensors file could not be read or written; one sentence naming the file and cause.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var cause: String

    public init(path: String, cause: String) {
        self.path = path
        self.cause = cause
    }

    public var description: String { "invalid safetensors file \(path): \(cause)" }
}

/// A safetensors file read into memory: named Float32 tensors and string metadata.
///
/// The format (huggingface/safetensors): 8 bytes little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`, then the raw little-endian data, offsets relative to its
/// start. Nothing is trusted before it is checked: the header length is bounded, the JSON must be
/// well-formed, every entry must be F32 with a non-negative shape whose byte size matches its
/// offsets, and the offsets must lie inside the file without overlapping.
public struct SafeTensorsFile {
    /// Largest header accepted, in bytes: real headers are a few KB; a huge value means a
    /// corrupt or hostile file.
    public static let maximumHeaderLength = 100 * 1024 * 1024

    public let path: String
    /// The `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// Tensor names in the order of their data in the file.
    public let names: [String]
    let tensors: [String: Tensor]

    /// The number of scalars all its tensors hold together.
    public var scalarCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> Tensor? {
        tensors[name]
    }

    /// The tensor called `name`, which must exist with exactly `shape`.
    public func tensor(named name: String, shape: [Int]) throws -> Tensor {
        guard let t = tensors[name] else {
            throw SafeTensorsError(path: path, cause: "tensor '\(name)' is missing")
        }
        guard t.shape == shape else {
            throw SafeTensorsError(path: path, cause: "tensor '\(name)' has shape \(t.shape), expected \(shape)")
        }
        return t
    }

    /// An in-memory file holding copies of `tensors` (taken now, so later changes to the
    /// originals do not show) and `metadata`; `path` names it in error messages. Trainers use
    /// it to keep a state they can go back to with the same loaders as a checkpoint.
    public init(snapshotOf tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], path: String) {
        var copies: [String: Tensor] = [:]
        var names: [String] = []
        for (name, tensor) in tensors where copies[name] == nil {
            copies[name] = tensor.copy()
            names.append(name)
        }
        self.path = path
        self.metadata = metadata
        self.names = names
        self.tensors = copies
    }

    // MARK: reading

    /// Reads and validates the file at `path`.
    public init(contentsOf path: String) throws {
        func failure(_ cause: String) -> SafeTensorsError { SafeTensorsError(path: path, cause: cause) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure("cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot stat: \(errnoText())") }
        let fileSize = Int(info.st_size)
        guard fileSize >= 8 else { throw failure("file is \(fileSize) bytes, shorter than the 8-byte header length") }

        var lengthBytes = [UInt8](repeating: 0, count: 8)
        try SafeTensorsFile.readExactly(fd, into: &lengthBytes, at: 0, path: path)
        let headerLength64 = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
        guard headerLength64 <= UInt64(SafeTensorsFile.maximumHeaderLength) else {
            throw failure("header length \(headerLength64) bytes exceeds the limit of \(SafeTensorsFile.maximumHeaderLength)")
        }
        let headerLength = Int(headerLength64)
        guard 8 + headerLength <= fileSize else {
            throw failure("header length \(headerLength) bytes runs past the end of the \(fileSize)-byte file")
        }
        var headerBytes = [UInt8](repeating: 0, count: headerLength)
        try SafeTensorsFile.readExactly(fd, into: &headerBytes, at: 8, path: path)
        let dataStart = 8 + headerLength
        let dataSize = fileSize - dataStart

        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
        } catch {
            throw failure("header is not well-formed JSON")
        }
        guard let entries = root as? [String: Any] else { throw failure("header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let rawMetadata = entries["__metadata__"] {
            guard let map = rawMetadata as? [String: Any] else { throw failure("__metadata__ is not an object") }
            for (key, value) in map {
                guard let text = value as? String else { throw failure("__metadata__ value '\(key)' is not a string") }
                metadata[key] = text
            }
        }

        struct Entry { var name: String; var shape: [Int]; var begin: Int; var end: Int }
        var layout: [Entry] = []
        // Sorted names: the same bad file gives the same message on every run (dictionary order
        // varies from process to process).
        for name in entries.keys.sorted() where name != "__metadata__" {
            guard let fields = entries[name] as? [String: Any] else { throw failure("entry '\(name)' is not an object") }
            guard let dtype = fields["dtype"] as? String else { throw failure("tensor '\(name)' has no dtype") }
            guard dtype == "F32" else { throw failure("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            guard let rawShape = fields["shape"] as? [Any],
                  let shape = SafeTensorsFile.integers(rawShape), shape.allSatisfy({ $0 >= 0 }) else {
                throw failure("tensor '\(name)' has no valid shape (a list of non-negative integers)")
            }
            guard let rawOffsets = fields["data_offsets"] as? [Any],
                  let offsets = SafeTensorsFile.integers(rawOffsets), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw failure("tensor '\(name)' has no valid data_offsets (two integers, begin ≤ end)")
            }
            // The byte size, computed without overflow: a product beyond the file is refused
            // before it can wrap around.
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= fileSize else {
                    throw failure("tensor '\(name)' shape \(shape) needs more bytes than the whole \(fileSize)-byte file holds")
                }
                elements = product
            }
            guard offsets[1] - offsets[0] == elements * 4 else {
                throw failure("tensor '\(name)' spans \(offsets[1] - offsets[0]) bytes but shape \(shape) needs \(elements * 4)")
            }
            layout.append(Entry(name: name, shape: shape, begin: offsets[0], end: offsets[1]))
        }
        layout.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        // In data order, so a truncated file names the first tensor it cuts.
        for entry in layout where entry.end > dataSize {
            throw failure("tensor '\(entry.name)' data_offsets [\(entry.begin), \(entry.end)] end at byte \(dataStart + entry.end) "
                + "but the file has \(fileSize) bytes (truncated, or offsets outside the file)")
        }
        for (previous, next) in zip(layout, layout.dropFirst()) where next.begin < previous.end {
            throw failure("tensors '\(previous.name)' and '\(next.name)' overlap")
        }

        var tensors: [String: Tensor] = [:]
        for entry in layout {
            let tensor = Tensor(zeros: entry.shape)
            let byteCount = entry.end - entry.begin
            if byteCount > 0 {
                let raw = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(tensor.pointer), count: byteCount)
                try SafeTensorsFile.readExactly(fd, into: raw, at: dataStart + entry.begin, path: path)
            }
            tensors[entry.name] = tensor
        }
        self.path = path
        self.metadata = metadata
        self.names = layout.map(\.name)
        self.tensors = tensors
    }

    static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            // Foundation hands numbers over as NSNumber; `as? Int` fails for fractions and
            // out-of-range values, and the double comparison rejects rounding surprises.
            guard let number = value as? NSNumber, let n = value as? Int,
                  Double(n) == number.doubleValue else { return nil }
            result.append(n)
        }
        return result
    }

    static func readExactly(_ fd: Int32, into bytes: inout [UInt8], at offset: Int, path: String) throws {
        try bytes.withUnsafeMutableBytes { try readExactly(fd, into: $0, at: offset, path: path) }
    }

    static func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError(path: path, cause: "read failed: \(errnoText())")
            }
            if n == 0 { throw SafeTensorsError(path: path, cause: "file ends early at byte \(offset + done)") }
            done += n
        }
    }

    // MARK: writing

    /// Writes `tensors` (in the given order) and `metadata` to `path` atomically (temporary file,
    /// fsync, rename), so a crash leaves the previous file intact.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        var seen = Set<String>()
        var header = "{"
        var offset = 0
        if !metadata.isEmpty {
            let fields = metadata.sorted { $0.key < $1.key }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",")
            header += "\"__metadata__\":{\(fields)}"
        }
        for (name, tensor) in tensors {
            guard name != "__metadata__", seen.insert(name).inserted else {
                throw SafeTensorsError(path: path, cause: "tensor name '\(name)' is reserved or repeated")
            }
            if header.count > 1 { header += "," }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.count * 4)]}"
            offset += tensor.count * 4
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var prefix = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) }
        prefix += headerBytes
        try AtomicFile.write(to: path) { fd in
            try prefix.withUnsafeBytes { try AtomicFile.writeAll(fd, $0, path: path) }
            for (_, tensor) in tensors where tensor.count > 0 {
                let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(tensor.pointer), count: tensor.count * 4)
                try AtomicFile.writeAll(fd, raw, path: path)
            }
        }
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
