import Support
import Text

/// Why a numeric series could not be read: one sentence naming the file and, when it applies,
/// the line (1-based, counting the header) and the column.
public struct SeriesDataError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int?
    public var cause: String

    public init(path: String, line: Int? = nil, cause: String) {
        self.path = path
        self.line = line
        self.cause = cause
    }

    public var description: String {
        line.map { "\(path) line \($0): \(cause)" } ?? "\(path): \(cause)"
    }
}

/// One numeric column read from a CSV file.
public struct NumericColumn: Equatable {
    /// The file it came from (`<stdin>` for standard input).
    public var path: String
    /// The header cell of the column, or nil when the file has no header row.
    public var name: String?
    /// 0-based position of the column.
    public var index: Int
    /// The values, in file order.
    public var values: [Double]

    public init(path: String, name: String?, index: Int, values: [Double]) {
        self.path = path
        self.name = name
        self.index = index
        self.values = values
    }

    /// `column 2 ("value")` or `column 2`, as messages name it.
    public var label: String {
        NumericCSV.columnLabel(index: index, name: name)
    }
}

/// Reads one numeric column of a CSV file (RFC 4180: fields separated by a delimiter, optionally
/// in double quotes, `""` for a quote inside, quoted fields may hold the delimiter and line
/// breaks; UTF-8, BOM and CRLF accepted).
///
/// Which column: a header name, a 1-based number, or by default the last column. The first row
/// is a header when the chosen column's cell in it is not a number (or a name was matched in it).
/// Blank lines are skipped. A cell that is empty, not a number, or not finite stops reading
/// with an error naming the line and the column.
public enum NumericCSV {
    /// Reads the column `column` (a header name or a 1-based number; nil for the last column)
    /// from `path` (`-` for standard input).
    public static func readColumn(path: String, column: String? = nil, delimiter: UInt8 = UInt8(ascii: ",")) throws -> NumericColumn {
        let reader = path == "-" ? LineReader(fileDescriptor: 0, name: "<stdin>") : try LineReader(path: path)
        return try readColumn(reader: reader, column: column, delimiter: delimiter)
    }

    /// Reads from an open `LineReader` (see `readColumn(path:column:delimiter:)`).
    public static func readColumn(reader: LineReader, column: String?, delimiter: UInt8) throws -> NumericColumn {
        let path = reader.path
        var records = RecordReader(reader: reader, delimiter: delimiter)
        guard let (firstLine, first) = try records.next() else {
            throw SeriesDataError(path: path, cause: "the file holds no rows")
        }
        let (index, hasHeader) = try resolve(column, in: first, path: path, line: firstLine)
        let name = hasHeader ? first[index].trimmingSpaces : nil
        var values: [Double] = []
        func take(_ fields: [String], line: Int) throws {
            guard index < fields.count else {
                throw SeriesDataError(path: path, line: line,
                                      cause: "the row has \(fields.count) column\(fields.count == 1 ? "" : "s"), so \(columnLabel(index: index, name: name)) is missing")
            }
            let cell = fields[index].trimmingSpaces
            let place = columnLabel(index: index, name: name)
            guard !cell.isEmpty else {
                throw SeriesDataError(path: path, line: line, cause: "\(place) is empty; fill in a number or remove the row")
            }
            guard let value = Double(cell) else {
                throw SeriesDataError(path: path, line: line, cause: "\(place) holds \(quoted(cell)), which is not a number")
            }
            guard value.isFinite else {
                throw SeriesDataError(path: path, line: line, cause: "\(place) holds \(quoted(cell)), which is not a finite number")
            }
            values.append(value)
        }
        if !hasHeader { try take(first, line: firstLine) }
        while let (line, fields) = try records.next() {
            try take(fields, line: line)
        }
        guard !values.isEmpty else {
            throw SeriesDataError(path: path, cause: "the file has a header but no data rows")
        }
        return NumericColumn(path: path, name: name, index: index, values: values)
    }

    /// The column index and whether `first` is a header row.
    static func resolve(_ column: String?, in first: [String], path: String, line: Int) throws -> (Int, Bool) {
        let cells = first.map(\.trimmingSpaces)
        func isNumber(_ cell: String) -> Bool { Double(cell).map(\.isFinite) ?? false }
        guard let column else {
            let last = cells.count - 1
            return (last, !isNumber(cells[last]))
        }
        let wanted = column.trimmingSpaces
        if let named = cells.firstIndex(of: wanted), !isNumber(wanted) || !cells.allSatisfy(isNumber) {
            return (named, true)
        }
        if let number = Int(wanted) {
            guard number >= 1 else {
                throw SeriesDataError(path: path, cause: "column numbers start at 1, not \(number)")
            }
            guard number <= cells.count else {
                throw SeriesDataError(path: path, line: line,
                                      cause: "the first row has \(cells.count) column\(cells.count == 1 ? "" : "s"), so there is no column \(number)")
            }
            return (number - 1, !isNumber(cells[number - 1]))
        }
        if cells.allSatisfy(isNumber) {
            throw SeriesDataError(path: path, cause: "the file has no header row, so choose the column by number (1 to \(cells.count)), not by the name \(quoted(wanted))")
        }
        let names = cells.map(quoted).joined(separator: ", ")
        throw SeriesDataError(path: path, cause: "there is no column named \(quoted(wanted)); the header names \(names)")
    }

    static func columnLabel(index: Int, name: String?) -> String {
        "column \(index + 1)" + (name.map { " (\(quoted($0)))" } ?? "")
    }

    static func quoted(_ text: String) -> String {
        QuotedText.quote(text, mark: "\"", limit: 40)
    }
}

/// Splits lines into CSV records, joining lines while a quoted field is open.
struct RecordReader {
    let reader: LineReader
    let delimiter: UInt8

    /// The next non-blank record with the line it starts on; nil at the end of the file.
    mutating func next() throws -> (line: Int, fields: [String])? {
        while let bytes = try reader.nextLine() {
            let line = reader.lineNumber
            var parser = FieldParser(delimiter: delimiter)
            parser.feed(bytes)
            while parser.isOpen {
                guard let more = try reader.nextLine() else {
                    throw SeriesDataError(path: reader.path, line: line, cause: "a quoted field opened on this line is never closed")
                }
                parser.feed(UInt8(ascii: "\n"))
                parser.feed(more)
            }
            let fields = parser.finish()
            if fields.count == 1 && fields[0].trimmingSpaces.isEmpty && !parser.sawQuote { continue }
            return (line, fields)
        }
        return nil
    }
}

/// The RFC 4180 field state machine over bytes (UTF-8 passes through untouched).
struct FieldParser {
    let delimiter: UInt8
    var fields: [String] = []
    var current: [UInt8] = []
    var inQuotes = false
    /// The current field began with a quote (so text after its closing quote is kept verbatim).
    var quotedField = false
    var pendingQuote = false
    var sawQuote = false

    init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { feed(byte) }
    }

    /// Inside a quoted field that has not been closed (a quote just read may still be the first
    /// of a `""` pair, but a line end after it closes the field).
    var isOpen: Bool { inQuotes && !pendingQuote }

    mutating func feed(_ byte: UInt8) {
        let quote = UInt8(ascii: "\"")
        if inQuotes {
            if pendingQuote {
                pendingQuote = false
                if byte == quote {
                    current.append(quote)
                    return
                }
                inQuotes = false
            } else if byte == quote {
                pendingQuote = true
                return
            } else {
                current.append(byte)
                return
            }
        }
        if byte == delimiter {
            endField()
        } else if byte == quote && current.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && !quotedField {
            current.removeAll(keepingCapacity: true)
            inQuotes = true
            quotedField = true
            sawQuote = true
        } else {
            current.append(byte)
        }
    }

    mutating func endField() {
        fields.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)
        quotedField = false
    }

    mutating func finish() -> [String] {
        if pendingQuote {
            pendingQuote = false
            inQuotes = false
        }
        endField()
        return fields
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
