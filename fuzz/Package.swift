// swift-tools-version: 6.0
import Foundation
import PackageDescription

// libFuzzer targets for LSTMKit's parsers, in a package of their own so that `make test` never
// builds them. Build and run with `make fuzz` (Linux): swift build -Xswiftc -sanitize=fuzzer.
// The parent package is a path dependency; its identity is its folder's name (main, a worktree...).
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
let library = Target.Dependency.product(name: "LSTMKit", package: parent)
// libFuzzer supplies `main`: the targets are libraries of top-level declarations.
let asLibrary: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "LSTMKitFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [library]),
        .executableTarget(name: "FuzzTokenizer", dependencies: [library, "FuzzSupport"], swiftSettings: asLibrary),
        .executableTarget(name: "FuzzVocabulary", dependencies: [library, "FuzzSupport"], swiftSettings: asLibrary),
        .executableTarget(name: "FuzzSafeTensors", dependencies: [library, "FuzzSupport"], swiftSettings: asLibrary),
    ],
    swiftLanguageModes: [.v5]
)
