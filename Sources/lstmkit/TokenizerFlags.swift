import ArgumentParser
import Foundation
import Text

extension TokenizerOptions.Split: ExpressibleByArgument {}

/// The tokenizer options shared by every command that reads text.
struct TokenizerFlags: ParsableArguments {
    @Flag(name: .customLong("lower"), help: "Fold case (ICU full case folding: Straße → strasse).")
    var lower = false

    @Flag(help: "Normalize with NFKC instead of NFC (ﬁ → fi, full-width → ASCII).")
    var nfkc = false

    @Flag(name: .customLong("no-punct"), help: "Drop punctuation tokens (symbols and emoji stay).")
    var noPunct = false

    @Option(name: .customLong("numbers"), help: ArgumentHelp(
        "Replace every number token by this token (the Penn Treebank uses N).", valueName: "TOKEN"))
    var numbers: String?

    @Option(help: "Locale for word breaks and elision (en, de, fr, ja, zh, ...).")
    var locale = "en"

    @Option(help: ArgumentHelp(
        "icu: ICU word breaks; whitespace: split at white space only, tokens left byte for byte (pre-tokenized text such as PTB).",
        valueName: "icu|whitespace"))
    var split: TokenizerOptions.Split = .icu

    @Flag(help: "Segment running text into sentences (a blank line ends a paragraph) instead of taking each line as one unit.")
    var sentences = false

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping with an error.")
    var lossy = false

    func validate() throws {
        let localeShape = locale.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard let language = localeShape.first, (2...3).contains(language.count),
              language.allSatisfy({ $0.isASCII && $0.isLetter }),
              localeShape.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else {
            throw ValidationError("--locale takes a language code such as en, fr, de_CH or zh-Hans, not '\(locale)'.")
        }
        if let numbers, numbers.isEmpty || numbers.contains(where: { $0.isWhitespace }) {
            throw ValidationError("--numbers takes one token without white space, such as N.")
        }
    }

    /// The options these flags describe. Whitespace splitting leaves tokens untouched unless
    /// --nfkc asks for normalization.
    var options: TokenizerOptions {
        var options = TokenizerOptions()
        options.split = split
        options.normalization = nfkc ? .nfkc : (split == .whitespace ? .none : .nfc)
        options.foldsCase = lower
        options.keepsPunctuation = !noPunct
        options.numberReplacement = numbers
        options.locale = locale
        return options
    }

    func text(paths: [String]) -> TokenizedText {
        TokenizedText(paths: paths, options: options, lossy: lossy, sentences: sentences)
    }
}

extension TokenizerFlags {
    /// Notes on standard error when these flags' tokenizer would not give back the words of the
    /// vocabulary file `path` (given with --vocab): the text would silently become other tokens.
    func noteFit(of vocabulary: Vocabulary, path: String) throws {
        let fit = try vocabulary.fit(of: Tokenizer(options: options))
        guard fit.isMismatch else { return }
        let note = "note: these tokenizer flags would cut or change " + String(format: "%.1f%%", fit.changedShare * 100)
            + " of the words of \(path) (by count; \(fit.examples.joined(separator: " "))): it was built from text tokenized "
            + "otherwise; give the flags it was built with (--split whitespace for pre-tokenized text such as PTB)\n"
        FileHandle.standardError.write(Data(note.utf8))
    }
}
