import Foundation
import Glibc
import JSON
import Synchronization

/// A loopback OpenAI-compatible server for tests: HTTP/1.1 on 127.0.0.1 at an ephemeral port,
/// answering `POST …/chat/completions` as the test scripts it (`behaviour`), and recording every
/// request it gets (path, headers, JSON body). One connection per request; the server closes it
/// after answering. Call `stop()` when done: the accepting thread keeps the server alive until then.
///
/// Plain POSIX sockets on threads of its own: accept and recv block, and blocking Swift's
/// cooperative pool (2 threads on a 2-core machine) would stall the client under test.
public final class ChatCompletionsServer: Sendable {
    /// What the server does with the next requests.
    public indirect enum Behaviour: Sendable {
        /// 200 with a chat completion whose content is `prefix` + the last user message, finish
        /// reason "stop", and the given usage.
        case echo(prefix: String = "echo: ", promptTokens: Int = 12, completionTokens: Int = 5)
        /// The given status and body (Content-Type: application/json).
        case respond(status: Int, body: String)
        /// Waits (interrupted by `stop()`), then behaves as `then`.
        case delay(seconds: Double, then: Behaviour)
        /// Reads the request and closes the connection without a reply.
        case close
    }

    /// A request as the server received it.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: String
        /// The body parsed, when it is JSON.
        public var json: JSONValue?
    }

    public let port: UInt16
    /// `http://127.0.0.1:PORT` (no `/v1`).
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    /// What to do, the requests so far, and whether `stop()` was called; one lock for all three.
    private let state: Mutex<(behaviour: Behaviour, requests: [Request], stopped: Bool)>

    /// Listens on an ephemeral loopback port and starts accepting.
    public init(_ behaviour: Behaviour = .echo()) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Self.failure("bind/listen")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        state = Mutex((behaviour, [], false))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Sets what the server does with the requests that come next.
    public func setBehaviour(_ behaviour: Behaviour) {
        state.withLock { $0.behaviour = behaviour }
    }

    /// Every request received so far, oldest first.
    public var requests: [Request] {
        state.withLock { $0.requests }
    }

    /// Stops accepting and wakes delayed replies; the port is closed.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        while !stopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return  // the listener was closed
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard let request = Self.read(connection) else { return }
        let behaviour = state.withLock { state in
            state.requests.append(request)
            return state.behaviour
        }
        respond(behaviour, to: request, on: connection)
    }

    private func respond(_ behaviour: Behaviour, to request: Request, on connection: Int32) {
        switch behaviour {
        case .echo(let prefix, let promptTokens, let completionTokens):
            let last = request.json?["messages"]?.arrayValue?.last { $0["role"] == "user" }?["content"]?.stringValue ?? ""
            let body: JSONValue = [
                "id": "chatcmpl-test", "object": "chat.completion",
                "model": request.json?["model"] ?? "",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(prefix + last)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": .int(Int64(promptTokens)), "completion_tokens": .int(Int64(completionTokens)),
                          "total_tokens": .int(Int64(promptTokens + completionTokens))],
            ]
            Self.send(status: 200, body: body.serializedString(), on: connection)
        case .respond(let status, let body):
            Self.send(status: status, body: body, on: connection)
        case .delay(let seconds, let then):
            let deadline = Date(timeIntervalSinceNow: seconds)
            while Date() < deadline, !stopped { usleep(10_000) }
            if !stopped { respond(then, to: request, on: connection) }
        case .close:
            return
        }
    }

    /// Reads one request: the head up to the blank line, then Content-Length bytes of body.
    /// Answers `Expect: 100-continue` so the client sends the body at once.
    private static func read(_ connection: Int32) -> Request? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var request: Request?
        var bodyLength = 0
        while true {
            if headEnd == nil, let end = bytes.firstRange(of: separator)?.upperBound {
                headEnd = end
                guard let head = parseHead(bytes[..<end]) else { return nil }
                request = head
                bodyLength = Int(head.headers["content-length"] ?? "0") ?? 0
                if head.headers["expect"]?.lowercased() == "100-continue" { write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), on: connection) }
            }
            if let end = headEnd, bytes.count - end >= bodyLength, var request {
                let body = Array(bytes[end..<(end + bodyLength)])
                request.body = String(decoding: body, as: UTF8.self)
                request.json = try? JSONValue.parse(body)  // a body that is not JSON is recorded as text only
                return request
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            bytes += chunk[0..<count]
        }
    }

    private static func parseHead(_ head: ArraySlice<UInt8>) -> Request? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let start = lines.first?.split(separator: " ") ?? []
        guard start.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(start[0]), path: String(start[1]), headers: headers, body: "", json: nil)
    }

    private static func send(status: Int, body: String, on connection: Int32) {
        let payload = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        write(Array(head.utf8) + payload, on: connection)
    }

    /// Writes everything, or stops when the client has gone (no SIGPIPE: MSG_NOSIGNAL).
    private static func write(_ bytes: [UInt8], on connection: Int32) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    private static func failure(_ call: String) -> NSError {
        NSError(domain: "ChatCompletionsServer", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(errno)))"])
    }
}
