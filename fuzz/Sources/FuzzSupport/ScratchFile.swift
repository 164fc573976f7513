import Foundation

/// One file the loaders under test read from: each input is written to it in turn (the loaders
/// take paths, as the tool does). In /dev/shm when there is one, so no disk is involved.
public enum ScratchFile {
    public static let path: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/lstmkit-fuzz-\(getpid())"
    }()

    /// Replaces the file's content with `count` bytes at `data`.
    public static func write(_ data: UnsafePointer<UInt8>, _ count: Int) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot open \(path)")
        var done = 0
        while done < count {
            let n = Foundation.write(fd, data + done, count - done)
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
        close(fd)
    }
}

/// Fails the fuzz run (libFuzzer reports it as a crash with the input) when an invariant breaks.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

/// Hands the command line to libFuzzer's driver. SwiftPM links an executable target's entry
/// point as `main` (`<Target>_main`), which replaces libFuzzer's own `main`; each target's entry
/// point calls this instead.
public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                      _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &arguments, callback)
}
