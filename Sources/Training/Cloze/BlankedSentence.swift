import Text

/// A sentence with blanks, as a model's tokenizer reads it: the text between blanks tokenized and
/// looked up, each blank a slot of its own. A blank is written as three or more underscores
/// (`___`), split off from the text around it before tokenizing, so every tokenizer sees it the
/// same way.
public struct BlankedSentence: Equatable, Sendable {
    public enum Slot: Equatable, Sendable {
        case word(Int32)
        case blank
    }

    /// How a blank is written (three underscores; longer runs are one blank too).
    public static let marker = "___"

    public var slots: [Slot]
    /// Words of the sentence that are not in the vocabulary (read as `<unk>`).
    public var unknownWords: [String]

    public init(slots: [Slot], unknownWords: [String] = []) {
        self.slots = slots
        self.unknownWords = unknownWords
    }

    /// Splits `text` at its blanks and tokenizes the rest with `run`'s tokenizer.
    public init(_ text: String, run: TrainedRun) throws {
        var slots: [Slot] = []
        var unknown: [String] = []
        for (index, piece) in Self.pieces(of: text).enumerated() {
            if index > 0 { slots.append(.blank) }
            let encoded = try run.encode(piece)
            slots += encoded.ids.map(Slot.word)
            unknown += encoded.unknown
        }
        self.init(slots: slots, unknownWords: unknown)
    }

    /// The text between blanks (one more piece than there are blanks).
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var underscores = 0
        func flushUnderscores() {
            if underscores >= 3 {
                pieces.append(current)
                current = ""
            } else {
                current += String(repeating: "_", count: underscores)
            }
            underscores = 0
        }
        for character in text {
            if character == "_" {
                underscores += 1
            } else {
                flushUnderscores()
                current.append(character)
            }
        }
        flushUnderscores()
        pieces.append(current)
        return pieces
    }

    /// Slot indices of the blanks, in order.
    public var blankIndices: [Int] { slots.indices.filter { slots[$0] == .blank } }

    /// What a model needs to fill the blank at slot `index`: the words left of it, the words
    /// right of it with any other blank read as `<unk>`, and how many of those right words come
    /// before the next blank.
    public func context(ofBlankAt index: Int) -> BlankContext {
        func ids(_ slice: ArraySlice<Slot>) -> [Int32] {
            slice.map { if case let .word(id) = $0 { return id } else { return Int32(Vocabulary.unknownID) } }
        }
        let right = slots[(index + 1)...]
        let known = right.firstIndex(of: .blank).map { $0 - index - 1 } ?? right.count
        return BlankContext(left: ids(slots[..<index]), right: ids(right), knownRightCount: known)
    }

    /// The sentence with slot `index` (a blank) replaced by `id`.
    public func filling(_ index: Int, with id: Int32) -> BlankedSentence {
        var copy = self
        copy.slots[index] = .word(id)
        return copy
    }
}

/// The words around one blank.
public struct BlankContext: Equatable, Sendable {
    /// Word ids before the blank (earlier blanks already filled).
    public var left: [Int32]
    /// Word ids after the blank to the end of the sentence; later blanks read as `<unk>`.
    public var right: [Int32]
    /// How many of `right` precede the next blank (all of them when there is none).
    public var knownRightCount: Int

    public init(left: [Int32], right: [Int32], knownRightCount: Int? = nil) {
        self.left = left
        self.right = right
        self.knownRightCount = knownRightCount ?? right.count
    }

    /// Whether the rest of the sentence after the blank is known to its end.
    public var rightIsComplete: Bool { knownRightCount == right.count }
}
