#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output folders, created with the C library so a failure reports errno's own words ("Permission
/// denied", "Not a directory") rather than Foundation's generic "could not be completed".
public enum Folder {
    /// Creates `path` and its missing parents (like `mkdir -p`); an existing folder is fine.
    public static func create(_ path: String) throws {
        var components: [Substring] = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        var built: [String] = []
        while !components.isEmpty {
            prefix += "/" + components.removeFirst()
            built.append(prefix)
        }
        for (index, folder) in built.enumerated() {
            var info = stat()
            if stat(folder, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    let what = index == built.count - 1 ? "it exists and is not a folder"
                                                        : "\(displayed(folder, within: path)) is not a folder"
                    throw FileWriteError(path: path, cause: "cannot create the folder: \(what)")
                }
                continue
            }
            if mkdir(folder, 0o755) != 0 && errno != EEXIST {
                throw FileWriteError(path: path, cause: "cannot create the folder: \(errnoText())")
            }
        }
    }

    /// `folder` as the user spelled it (without the "./" added for relative paths).
    static func displayed(_ folder: String, within path: String) -> String {
        path.hasPrefix("/") ? folder : String(folder.dropFirst(2))
    }
}
