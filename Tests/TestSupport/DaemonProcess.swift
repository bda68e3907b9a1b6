import Foundation
import JSON
import JSONRPC

/// A `minosd` spawned over pipes, as a client would run it. Reads its stdout on a background
/// thread, splitting messages with the same framer the daemon uses, and hands them out in order.
public final class DaemonProcess: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case timedOut(String)
        case exited(Int32, String)
        public var description: String {
            switch self {
            case .timedOut(let what): return "timed out waiting for \(what)"
            case .exited(let code, let stderr): return "minosd exited with \(code); stderr:\n\(stderr)"
            }
        }
    }

    public let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let stderr = Pipe()
    /// Guards `messages`, `rawOutput`, `outputEnded` and `errorText`.
    private let condition = NSCondition()
    private var messages: [JSONValue] = []
    private var rawOutput: [UInt8] = []
    private var outputEnded = false
    private var errorText = ""
    private var nextID: Int64 = 1000

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

    /// Starts minosd with `arguments` (default: a throwaway store).
    /// With `readsOutput: false` nothing reads the daemon's stdout, so `closeOutput()` can leave it
    /// with no reader at all, as a client that went away would.
    public init(arguments: [String] = ["--db", ":memory:"], environment: [String: String]? = nil,
                readsOutput: Bool = true) throws {
        signal(SIGPIPE, SIG_IGN)   // a daemon that exits must not take the test process with it
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        startReading(output: readsOutput)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    private func startReading(output: Bool) {
        let out = stdout.fileHandleForReading
        if output { Thread.detachNewThread { [self] in
            var framer = MessageFramer(maxMessageBytes: 1 << 30)
            while true {
                let data = out.availableData
                if data.isEmpty { break }
                condition.lock()
                rawOutput.append(contentsOf: data)
                condition.unlock()
                framer.feed(data) { event in
                    guard case .message(let body) = event else { return }
                    let value = (try? JSONValue.parse(body)) ?? .string("<unparseable: \(String(decoding: body, as: UTF8.self))>")
                    condition.lock()
                    messages.append(value)
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            outputEnded = true
            condition.broadcast()
            condition.unlock()
        } }
        let err = stderr.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = err.availableData
                if data.isEmpty { break }
                condition.lock()
                errorText += String(decoding: data, as: UTF8.self)
                condition.unlock()
            }
        }
    }

    // MARK: Sending

    /// Writes raw bytes to the daemon's stdin.
    /// Writes raw bytes to the daemon's stdin; a daemon that has exited just doesn't get them
    /// (tests then see that in its replies or exit status).
    public func write(_ bytes: [UInt8]) {
        do {
            try stdin.fileHandleForWriting.write(contentsOf: Data(bytes))
        } catch {
            // EPIPE: the daemon is gone.
        }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }

    /// Sends a message with LSP Content-Length framing.
    public func send(_ message: JSONValue) {
        let body = message.serialized()
        write(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    /// Sends a message as one line of newline-delimited JSON.
    public func sendLine(_ message: JSONValue) {
        write(message.serialized() + [UInt8(ascii: "\n")])
    }

    /// Sends a request with a fresh integer id and returns that id.
    @discardableResult
    public func request(_ method: String, _ params: JSONValue? = nil, lineFramed: Bool = false) -> Int64 {
        nextID += 1
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": .int(nextID), "method": .string(method)]
        if let params { message["params"] = params }
        lineFramed ? sendLine(.object(message)) : send(.object(message))
        return nextID
    }

    public func notify(_ method: String, _ params: JSONValue? = nil) {
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
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

    // MARK: Receiving

    /// The next message from the daemon, in arrival order.
    public func next(timeout: Double = 20) throws -> JSONValue {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while messages.isEmpty {
            if outputEnded { throw Failure.exited(process.isRunning ? -1 : process.terminationStatus, errorText) }
            guard condition.wait(until: deadline) else { throw Failure.timedOut("a message") }
        }
        return messages.removeFirst()
    }

    /// Waits for the reply with `id`, setting aside notifications and other replies (kept in order).
    public func reply(to id: Int64, timeout: Double = 20) throws -> JSONValue {
        try reply(matching: { $0["id"] == .int(id) }, timeout: timeout)
    }

    public func reply(matching predicate: (JSONValue) -> Bool, timeout: Double = 20) throws -> JSONValue {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.firstIndex(where: predicate) { return messages.remove(at: index) }
            if outputEnded { throw Failure.exited(process.isRunning ? -1 : process.terminationStatus, errorText) }
            guard condition.wait(until: deadline) else { throw Failure.timedOut("a matching reply") }
        }
    }

    /// Sends a request and waits for its reply.
    public func call(_ method: String, _ params: JSONValue? = nil) throws -> JSONValue {
        try reply(to: request(method, params))
    }

    /// Runs the initialize handshake.
    public func initialize() throws {
        let reply = try call("initialize", ["clientInfo": ["name": "minos-tests"]])
        guard reply["result"] != nil else { throw Failure.exited(-1, "initialize failed: \(reply)") }
        notify("initialized")
    }

    /// Every byte the daemon has written to stdout so far.
    public var stdoutBytes: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return rawOutput
    }

    public var stderrText: String {
        condition.lock()
        defer { condition.unlock() }
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
