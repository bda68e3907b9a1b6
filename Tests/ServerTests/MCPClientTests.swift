import Foundation
import JSON
import TestSupport
import Testing

/// The official MCP Python SDK against the built `minosd --mcp` (clients/python/mcp_client.py).
/// Skipped, saying why, when scripts/setup-mcp-sdk.sh cannot provide the SDK (no Python 3.10+, no
/// network for the first install).
@Suite("MCP Python SDK (end to end)")
struct MCPClientTests {
    /// The venv's python, or why there is none. Runs the setup script once per test process.
    static let sdk: Result<String, SDKMissing> = {
        let root = DaemonProcess.packageRoot
        let run = runProcess("/bin/sh", [root.appendingPathComponent("scripts/setup-mcp-sdk.sh").path])
        guard run.status == 0, let python = run.stdout.split(separator: "\n").last.map(String.init), !python.isEmpty else {
            let reason = "MCP Python SDK unavailable (scripts/setup-mcp-sdk.sh exited \(run.status)): \(run.stderr.suffix(300))"
            print("skipping MCP SDK test: \(reason)")
            return .failure(SDKMissing(reason: reason))
        }
        return .success(python)
    }()

    struct SDKMissing: Error { var reason: String }

    static var sdkAvailable: Bool { (try? sdk.get()) != nil }

    @Test("the SDK's stdio client lists tools, calls verify_answer and instructions_check, generates with progress and cancels",
          .enabled(if: sdkAvailable, "the MCP Python SDK could not be installed (see the printed reason)"))
    func pythonSDK() throws {
        let python = try Self.sdk.get()
        let script = DaemonProcess.packageRoot.appendingPathComponent("clients/python/mcp_client.py").path
        let run = runProcess(python, [script, DaemonProcess.executablePath])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let output = try JSONValue.parse(Array(run.stdout.utf8))
        #expect(output["serverInfo"]?["name"] == "minosd")
        let tools = output["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(tools.contains("verify_answer"))
        #expect(tools.contains("instructions_check"))
        #expect(!tools.contains("initialize"))
        let calls = try #require(output["calls"])
        #expect(calls["verify_answer"]?["isError"] == false)
        #expect(calls["verify_answer"]?["structuredContent"]?["equivalent"] == true)
        #expect(calls["instructions_check"]?["structuredContent"]?["strict"]?["allFollowed"] == true)
        #expect(calls["verify_answer_without_answer"]?["isError"] == true)
        // A generation with a progress token: progress notifications arrive, ending at 100.
        #expect(calls["text_generate"]?["isError"] == false)
        #expect(calls["text_generate"]?["structuredContent"]?["tokenCount"] == 6)
        if output["progressSupported"] == true {
            let progress = output["progress"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(progress.last == 100, "progress: \(progress)")
        }
        // A cancelled call: the client stopped waiting at 0.5 s and the daemon cancelled the work.
        #expect((output["cancelled"]?["daemonCancelled"]?.intValue ?? 0) >= 1, "\(output["cancelled"] ?? .null)")
    }
}

/// Runs a program to completion; its exit status, stdout and stderr.
private func runProcess(_ executable: String, _ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return (-1, "", "could not start \(executable): \(error)")
    }
    // Read both pipes before waiting, so a full pipe cannot stall the child.
    let errData = LockedData()
    let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
}

/// Stderr bytes handed from the reader thread; the lock guards both fields.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) { lock.lock(); data = value; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
