import FuzzSupport
import Text

/// Arbitrary bytes as a vocabulary file: it loads or throws; what loads saves and reloads equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ScratchFile.write(data, size)
    guard let vocabulary = try? Vocabulary(contentsOf: ScratchFile.path) else { return 0 }
    require(vocabulary.count >= 4, "a vocabulary without its specials loaded")
    for id in 0..<vocabulary.count {
        guard let token = vocabulary.token(for: id) else { fatalError("id \(id) has no token") }
        require(vocabulary.id(for: token) == id, "token \(token) does not map back to \(id)")
    }
    let copy = ScratchFile.path + ".saved"
    do {
        try vocabulary.save(to: copy)
        let reloaded = try Vocabulary(contentsOf: copy)
        require(reloaded.fileContent == vocabulary.fileContent, "a saved vocabulary reloads differently")
    } catch {
        fatalError("a loaded vocabulary does not save and reload: \(error)")
    }
    return 0
}

@_cdecl("FuzzVocabulary_main")
func entryPoint(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
