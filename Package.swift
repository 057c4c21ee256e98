// swift-tools-version:6.1
import PackageDescription

// Layers, dependencies pointing down only:
//   runbook → RunbookCLI → RunbookRender → RunbookGuide → RunbookMarkdown → RunbookModel
//   RunbookCLI → RunbookEngine → RunbookJournal, RunbookSSH
//   RunbookSSH (libssh2), RunbookMarkdown (libcmark) and RunbookJournal (libcrypto, for the
//   hash of a secret binding) are the only modules that import C.
let package = Package(
    name: "runbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "runbook", targets: ["runbook"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCMark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(
            name: "CLibSSH2", pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // mimalloc (Debian's libmimalloc) is the program's allocator: reading a guide makes many
        // small strings and arrays, and lint runs 7-9 % faster than on glibc's malloc.
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        .target(name: "RunbookModel"),
        .target(name: "RunbookMarkdown", dependencies: ["CCMark", "RunbookModel"]),
        .target(name: "RunbookSSH", dependencies: ["CLibSSH2", "RunbookModel"]),
        .target(name: "RunbookGuide", dependencies: ["RunbookMarkdown", "RunbookModel", "Yams"]),
        .target(name: "RunbookLint", dependencies: ["RunbookGuide", "RunbookMarkdown", "RunbookModel"]),
        .target(
            name: "RunbookRender",
            dependencies: ["RunbookGuide", "RunbookModel", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Templates")]),
        .target(
            name: "RunbookJournal",
            dependencies: ["RunbookModel", "CCrypto", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "RunbookEngine", dependencies: ["RunbookGuide", "RunbookModel", "RunbookJournal", "RunbookSSH"]),
        .target(
            name: "RunbookCLI",
            dependencies: [
                "RunbookGuide", "RunbookRender", "RunbookModel", "RunbookSSH", "RunbookEngine", "RunbookJournal", "RunbookLint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "runbook", dependencies: ["RunbookCLI", "CMimalloc"]),
        .executableTarget(
            name: "runbook-bench", dependencies: ["RunbookGuide", "RunbookMarkdown", "CMimalloc"],
            path: "Benchmarks/runbook-bench"),
        .target(name: "RunbookTestSupport", path: "Tests/Support"),
        .testTarget(name: "RunbookMarkdownTests", dependencies: ["RunbookMarkdown"]),
        .testTarget(name: "RunbookSSHTests", dependencies: ["RunbookSSH", "RunbookTestSupport"]),
        .testTarget(name: "RunbookGuideTests", dependencies: ["RunbookGuide", "RunbookTestSupport"]),
        .testTarget(
            name: "RunbookLintTests", dependencies: ["RunbookLint", "RunbookGuide", "RunbookModel", "RunbookTestSupport"]),
        .testTarget(
            name: "RunbookEngineTests", dependencies: ["RunbookEngine", "RunbookGuide", "RunbookSSH", "RunbookTestSupport"]),
        .testTarget(
            name: "RunbookJournalTests",
            dependencies: ["RunbookJournal", "RunbookTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RunbookCLITests", dependencies: ["RunbookCLI", "RunbookGuide", "RunbookTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
