import ArgumentParser
import CDNNL
import CICU

/// `lstmkit version`: the toolkit version and the system libraries it runs on.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the LSTMKit version and the versions of ICU and oneDNN in use."
    )

    func run() throws {
        print("lstmkit \(LSTMKitCommand.configuration.version)")
        print("ICU \(cicu_version_major())")
        if let v = dnnl_version()?.pointee {
            print("oneDNN \(v.major).\(v.minor).\(v.patch)")
        }
    }
}
