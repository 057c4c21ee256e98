import Foundation
import RunbookTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The result of running the built `runbook` binary.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The `runbook` executable next to the test bundle in the build directory.
let runbookBinary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("runbook")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/runbook")
}()

/// Runs `runbook` with `arguments` in `directory`, with `environment` added to a clean one
/// (the crash tests use it to pick the instant of a kill -9), and waits for it.
func runbook(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Run {
    let (process, out, err) = try startRunbook(arguments, in: directory, environment: environment)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// A fresh temporary directory holding `files` (relative path → contents).
func workspace(_ files: [String: String] = [:]) throws -> URL {
    let dir = try Scratch.directory("runbook-cli")
    for (name, text) in files {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    return dir
}

let fence = "```"

/// A small guide that exercises variables, a session, a choice, a verification and an optional section.
let smallGuide = """
    # Small guide

    ## Variables

    \(fence)bash
    # Public hostname
    export DOMAIN="yourdomain.com"
    export API="api.${DOMAIN}"
    export DEPLOY_TOKEN=""
    \(fence)

    ## Install

    ### Option A (recommended): apt

    \(fence)bash
    sudo apt-get install -y nginx
    \(fence)

    ### Option B: from source

    \(fence)bash
    make install
    \(fence)

    ## Check

    \(fence)bash
    curl -s -o /dev/null -w '%{http_code}' "https://${API}/health"
    \(fence)

    Expected:

    - HTTP 200

    ## Rollback

    \(fence)bash
    git checkout v1
    \(fence)

    """

/// A TCP port nothing listens on now.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Starts `runbook` without waiting (tests that signal it use this directly): no terminal,
/// no colour, the caller's PATH plus `environment`, in `directory` (the package root by default).
func startRunbook(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> (
    Process, Pipe, Pipe
) {
    let process = Process()
    process.executableURL = runbookBinary
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? packageRoot
    var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1"]
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
}
