// swift-tools-version: 6.0
import PackageDescription

// Release builds of the numeric targets skip overflow/bounds traps in the hot loops: inputs are
// validated at the API boundary, and kernels index through unsafe buffers anyway.
// They are also compiled for the building machine's processor (`-target-cpu native`): the SIMD8
// kernels (exp, tanh, the cell updates, softmax) then use AVX2 rather than two SSE halves. A
// binary meant for other machines is built with LSTMKIT_TARGET_CPU set to what they all have
// (e.g. `haswell` for AVX2, `x86-64` for any 64-bit PC); changing it needs a clean build.
let targetCPU = Context.environment["LSTMKIT_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 } ?? "native"
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-target-cpu", targetCPU],
                 .when(configuration: .release)),
]

let package = Package(
    name: "LSTMKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LSTMKit", targets: ["Support", "Text", "Tensor", "NN", "Models", "Training"]),
        .executable(name: "lstmkit", targets: ["lstmkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // ICU behind an opaque C API: ICU headers are included only in the .c file, because
        // Foundation on Linux carries its own ICU module and the two clash (docs/ARCHITECTURE.md).
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        // libedit behind a small C API: its native API is variadic, which Swift cannot call.
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("edit")]),
        // oneDNN's row-major sgemm; Debian's libdnnl-dev ships no pkg-config file.
        .systemLibrary(name: "CDNNL"),
        // Small shared utilities with no dependency: atomic file writes, errno text.
        .target(name: "Support", swiftSettings: numericSettings),
        .target(name: "Text", dependencies: ["CICU", "Support"]),
        .target(name: "Tensor", dependencies: ["CDNNL", "Support"], swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Tensor"], swiftSettings: numericSettings),
        .target(name: "Models", dependencies: ["NN", "Text"], swiftSettings: numericSettings),
        .target(name: "Training", dependencies: ["Models", "Support"]),
        // The next-word REPL: line editor, history file, command driver, demo model.
        .target(name: "Interactive", dependencies: ["CEditLine", "Models", "Support"]),
        .executableTarget(
            name: "lstmkit",
            dependencies: [
                "CICU", "CDNNL", "Text", "Tensor", "NN", "Models", "Training", "Interactive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "TextTests", dependencies: ["Text", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"], resources: []),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "InteractiveTests", dependencies: ["Interactive", "TestSupport"]),
        // Depends on the executable so that `swift test` always builds the binary it runs.
        .testTarget(name: "CLITests", dependencies: ["lstmkit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
