import Foundation
import JSON
import JSONRPC

/// Why waiting on a daemon failed.
public enum DaemonFailure: Error, CustomStringConvertible {
    case timedOut(String)
    case exited(Int32, String)
    public var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .exited(let code, let stderr): return "minosd exited with \(code); stderr:\n\(stderr)"
        }
    }
}

/// The messages a daemon has written, split with the daemon's own framer and handed out in order.
public final class MessageInbox: @unchecked Sendable {
    /// Guards every stored property below.
    private let condition = NSCondition()
    private var messages: [JSONValue] = []
    private var rawOutput: [UInt8] = []
    private var ended = false
    private var framer = MessageFramer(maxMessageBytes: 1 << 30)
    /// What to throw once output has ended and nothing matches.
    private let endFailure: @Sendable () -> DaemonFailure

    init(endFailure: @escaping @Sendable () -> DaemonFailure) {
        self.endFailure = endFailure
    }

    /// Takes bytes the daemon wrote.
    func feed(_ bytes: some Collection<UInt8>) {
        condition.lock()
        defer { condition.unlock() }
        rawOutput.append(contentsOf: bytes)
        framer.feed(bytes) { event in
            guard case .message(let body) = event else { return }
            messages.append((try? JSONValue.parse(body)) ?? .string("<unparseable: \(String(decoding: body, as: UTF8.self))>"))
        }
        condition.broadcast()
    }

    /// The daemon's output has ended.
    func end() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// The first message matching `predicate`, removed; others keep their order.
    func take(matching predicate: (JSONValue) -> Bool, timeout: Double, waitingFor what: String) throws -> JSONValue {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.firstIndex(where: predicate) { return messages.remove(at: index) }
            if ended { throw endFailure() }
            guard condition.wait(until: deadline) else { throw DaemonFailure.timedOut(what) }
        }
    }

    var bytes: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return rawOutput
    }
}

/// A test's side of a daemon: bytes in, framed messages out. `DaemonProcess` spawns `minosd`;
/// `InProcessDaemon` serves the same protocol from this process over an in-memory transport.
public protocol DaemonClient: AnyObject {
    /// Writes raw bytes to the daemon's input (dropped when the daemon is gone).
    func write(_ bytes: [UInt8])
    /// Ends the daemon's input.
    func closeInput()
    var inbox: MessageInbox { get }
    /// A fresh request id.
    func nextRequestID() -> Int64
}

extension DaemonClient {
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
        let id = nextRequestID()
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { message["params"] = params }
        lineFramed ? sendLine(.object(message)) : send(.object(message))
        return id
    }

    public func notify(_ method: String, _ params: JSONValue? = nil) {
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// The next message from the daemon, in arrival order.
    public func next(timeout: Double = 20) throws -> JSONValue {
        try inbox.take(matching: { _ in true }, timeout: timeout, waitingFor: "a message")
    }

    /// Waits for the reply with `id`, setting aside notifications and other replies (kept in order).
    public func reply(to id: Int64, timeout: Double = 20) throws -> JSONValue {
        try reply(matching: { $0["id"] == .int(id) }, timeout: timeout)
    }

    public func reply(matching predicate: (JSONValue) -> Bool, timeout: Double = 20) throws -> JSONValue {
        try inbox.take(matching: predicate, timeout: timeout, waitingFor: "a matching reply")
    }

    /// Sends a request and waits for its reply.
    public func call(_ method: String, _ params: JSONValue? = nil, lineFramed: Bool = false) throws -> JSONValue {
        try reply(to: request(method, params, lineFramed: lineFramed))
    }

    /// Runs the initialize handshake.
    public func initialize() throws {
        let reply = try call("initialize", ["clientInfo": ["name": "minos-tests"]])
        guard reply["result"] != nil else { throw DaemonFailure.exited(-1, "initialize failed: \(reply)") }
        notify("initialized")
    }

    /// Every byte the daemon has written so far.
    public var stdoutBytes: [UInt8] { inbox.bytes }
}

/// Request ids for one client.
final class RequestIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var last: Int64 = 1000
    func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
