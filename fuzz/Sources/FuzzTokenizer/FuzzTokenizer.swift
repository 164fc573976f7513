import FuzzSupport
import Text

/// Tokenizer settings the first input byte chooses from; built once (opening ICU is slow).
let tokenizers: [Tokenizer] = {
    let settings: [TokenizerOptions] = [
        TokenizerOptions(),
        TokenizerOptions(normalization: .nfkc, foldsCase: true, keepsPunctuation: false, numberReplacement: "N"),
        TokenizerOptions(locale: "fr"),
        TokenizerOptions(locale: "ja"),
        .whitespace,
    ]
    return settings.map { try! Tokenizer(options: $0) }
}()

/// Arbitrary bytes: straight into the tokenizer (which must decode bad UTF-8 with U+FFFD, never
/// trust it), then as a file through the line reader, strict (an error is fine, a crash is not)
/// and lossy (must succeed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let options = tokenizers[Int(data[0]) % tokenizers.count].options
    let tokenizer = tokenizers[Int(data[0]) % tokenizers.count]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    do {
        try tokenizer.forEachToken(utf8: bytes) { token, _ in require(!token.isEmpty, "empty token") }
    } catch {
        fatalError("the tokenizer threw on raw bytes: \(error)")
    }
    ScratchFile.write(data + 1, size - 1)
    _ = try? TokenizedText(paths: [ScratchFile.path], options: options, lossy: false).forEachLine { _ in }
    do {
        try TokenizedText(paths: [ScratchFile.path], options: options, lossy: true, sentences: data[0] & 0x80 != 0)
            .forEachLine { tokens in require(!tokens.contains(""), "empty token from a lossy file") }
    } catch {
        // A NUL byte makes the file binary, which even lossy reading refuses.
        require(bytes.contains(0), "lossy reading failed without a NUL byte: \(error)")
    }
    return 0
}

@_cdecl("FuzzTokenizer_main")
func entryPoint(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
