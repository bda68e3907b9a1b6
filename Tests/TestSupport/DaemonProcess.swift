import Foundation
import JSON
import JSONRPC

/// A `minosd` spawned over pipes, as a client would run it. Reads its stdout on a background
/// thread into a `MessageInbox`; `DaemonClient` supplies sending and receiving.
public final class DaemonProcess: DaemonClient, @unchecked Sendable {
    public typealias Failure = DaemonFailure

    public let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let stderr = Pipe()
    /// Guards `errorText`.
    private let lock = NSLock()
    private var errorText = ""
    private let ids = RequestIDs()
    public private(set) var inbox: MessageInbox

    /// Path of the `minosd` under test: `$MINOSD`, else the one built beside the test bundle.
    public static var executablePath: String {
        if let path = ProcessInfo.processInfo.environment["MINOSD"], !path.isEmpty { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // On Linux the test binary sits in .build/<triple>/debug; minosd is built beside it.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("minosd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/minosd").path
    }

    /// The repository root, found from this source file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts minosd with `arguments` (default: a throwaway store). With `readsOutput: false`
    /// nothing reads the daemon's stdout, so `closeOutput()` can leave it with no reader at all, as
    /// a client that went away would.
    public init(arguments: [String] = ["--db", ":memory:"], environment: [String: String]? = nil,
                readsOutput: Bool = true) throws {
        signal(SIGPIPE, SIG_IGN)   // a daemon that exits must not take the test process with it
        inbox = MessageInbox(endFailure: { .exited(-1, "") })
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        inbox = MessageInbox(endFailure: { [unowned self] in
            .exited(process.isRunning ? -1 : process.terminationStatus, stderrText)
        })
        try process.run()
        startReading(output: readsOutput)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    private func startReading(output: Bool) {
        if output {
            let out = stdout.fileHandleForReading, inbox = inbox
            Thread.detachNewThread {
                while true {
                    let data = out.availableData
                    if data.isEmpty { break }
                    inbox.feed(data)
                }
                inbox.end()
            }
        }
        let err = stderr.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = err.availableData
                if data.isEmpty { break }
                lock.lock()
                errorText += String(decoding: data, as: UTF8.self)
                lock.unlock()
            }
        }
    }

    public func nextRequestID() -> Int64 { ids.next() }

    /// Writes raw bytes to the daemon's stdin; a daemon that has exited just doesn't get them
    /// (tests then see that in its replies or exit status).
    public func write(_ bytes: [UInt8]) {
        do {
            try stdin.fileHandleForWriting.write(contentsOf: Data(bytes))
        } catch {
            // EPIPE: the daemon is gone.
        }
    }

    /// Reads the next message on the calling thread (only for a daemon started with `readsOutput:
    /// false`); bytes after it in the same read are dropped.
    public func readMessageDirectly() throws -> JSONValue {
        var framer = MessageFramer(maxMessageBytes: 1 << 30)
        while true {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { throw Failure.timedOut("a message: output ended") }
            var found: [UInt8]?
            framer.feed(data) { event in if case .message(let body) = event, found == nil { found = body } }
            if let found { return try JSONValue.parse(found) }
        }
    }

    /// Closes this end of the daemon's stdout (only for a daemon started with `readsOutput: false`).
    public func closeOutput() {
        try? stdout.fileHandleForReading.close()
    }

    public func closeInput() {
        try? stdin.fileHandleForWriting.close()
    }

    public var stderrText: String {
        lock.lock()
        defer { lock.unlock() }
        return errorText
    }

    /// Waits for the process to exit and returns its status.
    public func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning {
            if Date() > deadline { throw Failure.timedOut("minosd to exit") }
            usleep(5_000)
        }
        return process.terminationStatus
    }
}

extension JSONValue {
    /// The error code of a reply, if it is an error.
    public var errorCode: Int64? { self["error"]?["code"]?.intValue }
}
