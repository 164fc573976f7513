import ArgumentParser
import Foundation

/// The `lstmkit` command. Subcommands live one per file; this type only registers them and maps
/// errors to what users see: usage mistakes exit 2 with ArgumentParser's message, every other
/// error is one line on standard error and exit 1.
@main
struct LSTMKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstmkit",
        abstract: "Sequence modelling of text with LSTMs: tokenize, train, predict, translate.",
        version: "0.1.0",
        subcommands: [
            TrainCommand.self,
            EvalCommand.self,
            ReplCommand.self,
            GenerateCommand.self,
            FillCommand.self,
            FillEvalCommand.self,
            ClozeCommand.self,
            TokenizeCommand.self,
            VocabCommand.self,
            CorpusCommand.self,
            BLEUCommand.self,
            SeriesCommand.self,
            TranslateCommand.self,
            BenchCommand.self,
            VersionCommand.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exit(reporting: error)
        }
    }

    /// The arguments with a negative number after a long option attached to it (`--clip -1` →
    /// `--clip=-1`): ArgumentParser would otherwise read `-1` as an unknown short option and
    /// report the option's value as missing, hiding the real problem (the value is out of range).
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
               isNegativeNumber(arguments[index + 1]) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        return Double(text) != nil
    }

    /// Maps an error to its message and exit status and leaves the process.
    static func exit(reporting error: Error) -> Never {
        let code = exitCode(for: error)
        if error is ExitCode {
            Foundation.exit(code.rawValue)
        }
        if code == .success {
            // --help, --version: ArgumentParser's CleanExit.
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        if code == .validationFailure {
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
        let message = String(describing: error).replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("lstmkit: error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
