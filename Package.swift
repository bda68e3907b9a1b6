// swift-tools-version: 6.0
// Minos: a JSON-RPC daemon that keeps language models and their KV caches in memory and serves
// verification, instruction checking, routing and decoding methods. The module map is in README.md.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

// Only the numeric kernels drop bounds and overflow checks in release builds: they are small,
// tested against scalar references, and hot. Everything that touches input keeps its checks.
let kernelSettings: [SwiftSetting] = swiftSettings + [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Minos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "minosd", targets: ["minosd"]),
        .executable(name: "minos-bench", targets: ["minos-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C: system libraries (installed by scripts/install-deps.sh) and the sandbox launcher
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .target(
            name: "CSandbox",
            path: "Sources/CSandbox"
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // MARK: JSON
        .target(
            name: "JSON",
            dependencies: [
                "CJansson",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONTests",
            dependencies: [
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: JSONRPC
        .target(
            name: "JSONRPC",
            dependencies: [
                "JSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONRPCTests",
            dependencies: [
                "JSONRPC",
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: MinosProtocol
        .target(
            name: "MinosProtocol",
            dependencies: [
                "JSON",
                "JSONRPC",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Kernels
        // CKernels: the AVX2 fast tier of Kernels (per-function target attributes, so it loads on
        // any x86-64 and Kernels dispatches at run time).
        .target(
            name: "CKernels",
            path: "Sources/CKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "Kernels",
            dependencies: ["CKernels"],
            swiftSettings: kernelSettings
        ),
        .testTarget(
            name: "KernelsTests",
            dependencies: [
                "Kernels",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: GGUF
        .target(
            name: "GGUF",
            dependencies: [
                "Kernels",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GGUFTests",
            dependencies: [
                "GGUF",
                "Kernels",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tokenizers
        .target(
            name: "Tokenizers",
            dependencies: [],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: [
                "Tokenizers",
            ],
            exclude: [
                "Fixtures",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Models
        .target(
            name: "Models",
            dependencies: [
                "GGUF",
                "Kernels",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: DataTools
        .target(
            name: "DataTools",
            dependencies: [
                "GGUF",
                "JSON",
                "Kernels",
                "Store",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DataToolsTests",
            dependencies: [
                "DataTools",
                "GGUF",
                "JSON",
                "Kernels",
                "Models",
                "Store",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Engine
        .target(
            name: "Engine",
            dependencies: [
                "Models",
                "GGUF",
                "Kernels",
                "Tokenizers",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "TestSupport",
                "Engine",
                "Models",
                "GGUF",
                "Kernels",
                "Tokenizers",
            ],
            exclude: [
                "Fixtures",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Store
        .target(
            name: "Store",
            dependencies: [
                "CSQLite",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: AnswerChecking
        .target(
            name: "AnswerChecking",
            dependencies: [],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnswerCheckingTests",
            dependencies: [
                "AnswerChecking",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: StepVerification
        .target(
            name: "StepVerification",
            dependencies: [
                "AnswerChecking",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepVerificationTests",
            dependencies: [
                "StepVerification",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: IFEval
        .target(
            name: "IFEval",
            dependencies: [
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IFEvalTests",
            dependencies: [
                "IFEval",
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Sandbox
        .target(
            name: "Sandbox",
            dependencies: [
                "JSON",
                "CSandbox",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: AutoIF
        .target(
            name: "AutoIF",
            dependencies: [
                "Sandbox",
                "Store",
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AutoIFTests",
            dependencies: [
                "AutoIF",
                "Sandbox",
                "Store",
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Routing
        .target(
            name: "Routing",
            dependencies: [
                "Engine",
                "Kernels",
                "Store",
                "JSON",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RoutingTests",
            dependencies: [
                "TestSupport",
                "Routing",
                "Engine",
                "Store",
                "JSON",
                "Models",
                "GGUF",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Server
        .target(
            name: "Server",
            dependencies: [
                "Engine",
                "JSON",
                "JSONRPC",
                "MinosProtocol",
                "Store",
                "AnswerChecking",
                "StepVerification",
                "IFEval",
                "Sandbox",
                "AutoIF",
                "Routing",
                "DataTools",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "TestSupport",
                "Engine",
                "StepVerification",
                "JSON",
                "JSONRPC",
                "MinosProtocol",
                "Store",
                "Models",
                "GGUF",
                "Kernels",
                "minosd",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "minosd",
            dependencies: [
                "Server",
                "Engine",
                "Kernels",
                "MinosProtocol",
                "Store",
                "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "minos-bench",
            dependencies: [
                "DataTools",
                "Routing",
                "JSON",
                "JSONRPC",
                "Models",
                "GGUF",
                "Kernels",
                "Engine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Test support
        .target(
            name: "TestSupport",
            dependencies: [
                "JSON",
                "JSONRPC",
                "Server",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
