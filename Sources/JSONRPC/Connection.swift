import Foundation
import JSON
import Logging
import Synchronization

/// A JSON-RPC 2.0 endpoint over a byte transport (stdio's file descriptors, or an in-memory pair).
///
/// The thread that calls `run()` reads and frames input, parses messages, and dispatches them:
/// notifications and inline handlers run right there, in arrival order; every other request runs
/// in its own task, so replies go out in any order and a slow request never holds up a fast one.
/// Every request gets exactly one reply: the first of its handler's outcome, a cancellation, or a
/// shutdown wins and later ones are dropped.
///
/// Handlers are registered before `run()` is called and never after.
public final class Connection: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var maxMessageBytes: Int
        /// Where request tasks run: nil for Swift's global concurrent pool (minosd). A server sharing
        /// its process with clients that block threads of that pool (tests) gets its own.
        public var taskExecutor: (any TaskExecutor)?
        public init(maxMessageBytes: Int = 64 << 20, taskExecutor: (any TaskExecutor)? = nil) {
            self.maxMessageBytes = maxMessageBytes
            self.taskExecutor = taskExecutor
        }
    }

    /// Counters for `daemon/status`.
    public struct Statistics: Sendable, Equatable {
        public var served = 0
        public var failed = 0
        public var cancelled = 0
        public var inFlight = 0
    }

    /// Decides whether a message may be handled now; returns the error to reply with otherwise.
    /// Lifecycle rules (initialize first, nothing after shutdown) live in the server, not here.
    public typealias Gate = @Sendable (_ method: String, _ isRequest: Bool) -> RPCError?

    /// Turns an error a handler threw into its wire form.
    public typealias ErrorMapper = @Sendable (any Error) -> RPCError

    private struct Handler {
        var inline: (@Sendable (JSONValue, RequestContext) throws -> JSONValue)?
        var concurrent: (@Sendable (JSONValue, RequestContext) async throws -> JSONValue)?
    }

    private struct InFlight {
        var serial: UInt64
        var task: Task<Void, Never>?
        var batch: BatchReply?
    }

    private let transport: any ByteTransport
    private let writer: OutputWriter
    private let configuration: Configuration
    private let logger: Logger

    // Written only before run(); read only afterwards.
    private var requestHandlers: [String: Handler] = [:]
    private var notificationHandlers: [String: @Sendable (JSONValue) -> Void] = [:]
    private var gate: Gate?
    private var paramsPreparer: ParamsPreparer?
    private var errorMapper: ErrorMapper = { error in RPCError(.internalError, "\(error)") }

    private struct State {
        var inFlight: [RequestID: InFlight] = [:]
        var nextSerial: UInt64 = 0
        var statistics = Statistics()
    }

    private let state = Mutex(State())
    /// Signalled whenever a request leaves `inFlight`, for `run()` to wait out the last ones at EOF.
    private let drained = NSCondition()
    private let decoder = JSONValueDecoder()
    private let encoder = JSONValueEncoder()

    public convenience init(input: Int32, output: Int32, configuration: Configuration = .init(), logger: Logger) {
        self.init(transport: FileDescriptorTransport(input: input, output: output), configuration: configuration, logger: logger)
    }

    public init(transport: any ByteTransport, configuration: Configuration = .init(), logger: Logger) {
        self.transport = transport
        self.writer = OutputWriter(transport: transport)
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Registration

    /// Registers a handler that runs concurrently in its own task.
    public func register<M: RPCMethod>(
        _ method: M.Type, _ handler: @escaping @Sendable (M.Params, RequestContext) async throws -> M.Result
    ) {
        let decoder = decoder, encoder = encoder
        requestHandlers[M.name] = Handler(concurrent: { params, context in
            let decoded = try Self.decodeParams(M.Params.self, params, decoder)
            return try encoder.encode(try await handler(decoded, context))
        })
    }

    /// Registers a handler that runs on the reading thread, in order with other messages. For
    /// quick work whose ordering matters (`initialize`, `shutdown`) or that costs less than a task.
    public func registerInline<M: RPCMethod>(
        _ method: M.Type, _ handler: @escaping @Sendable (M.Params, RequestContext) throws -> M.Result
    ) {
        let decoder = decoder, encoder = encoder
        requestHandlers[M.name] = Handler(inline: { params, context in
            let decoded = try Self.decodeParams(M.Params.self, params, decoder)
            return try encoder.encode(try handler(decoded, context))
        })
    }

    /// Registers a notification handler; it runs on the reading thread, in arrival order.
    public func onNotification<N: RPCNotification>(_ notification: N.Type, _ handler: @escaping @Sendable (N.Params) -> Void) {
        let decoder = decoder
        let logger = logger
        notificationHandlers[N.name] = { params in
            do {
                handler(try Self.decodeParams(N.Params.self, params, decoder))
            } catch {
                logger.warning("ignoring \(N.name) notification with bad params: \(error)")
            }
        }
    }

    public func setGate(_ gate: @escaping Gate) { self.gate = gate }

    /// Checks a request's params before they are decoded (the server derives it from the methods'
    /// declared schemas); the error it throws is the reply.
    /// Checks a request's params before its handler decodes them and returns the params to decode
    /// (with declared defaults filled in, say); a thrown error is the reply.
    public typealias ParamsPreparer = @Sendable (_ method: String, _ params: JSONValue) throws(RPCError) -> JSONValue

    public func setParamsPreparer(_ preparer: @escaping ParamsPreparer) { self.paramsPreparer = preparer }

    public func setErrorMapper(_ mapper: @escaping ErrorMapper) { self.errorMapper = mapper }

    /// Every registered request and notification method name, sorted.
    public var registeredMethods: [String] {
        (Array(requestHandlers.keys) + Array(notificationHandlers.keys)).sorted()
    }

    private static func decodeParams<P: Decodable>(_ type: P.Type, _ params: JSONValue, _ decoder: JSONValueDecoder) throws -> P {
        do {
            return try decoder.decode(type, from: params, rootPath: "params")
        } catch {
            throw RPCError(params: error)
        }
    }

    // MARK: Running

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Reads and serves until the input ends, then waits for in-flight requests to reply and
    /// flushes the output.
    public func run() {
        var framer = MessageFramer(maxMessageBytes: configuration.maxMessageBytes)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { transport.read(into: $0) }
            if count < 0 {
                logger.error("reading input failed: \(String(cString: strerror(errno)))")
                break
            }
            if count == 0 { break }
            framer.feed(chunk[0..<count]) { handle($0) }
        }
        framer.finish { handle($0) }
        logger.debug("input ended; waiting for \(statistics.inFlight) in-flight requests")
        // A shell pipe still wants the replies to what it sent; a client that closed stdout too
        // can read none of them, so its work is cancelled instead of run to the end.
        drained.lock()
        while state.withLock({ !$0.inFlight.isEmpty }) {
            if writer.peerGone {
                drained.unlock()
                logger.info("input ended and the output is closed: cancelling \(statistics.inFlight) in-flight requests")
                cancelAll(reason: "client closed the connection")
                drained.lock()
                break
            }
            _ = drained.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        drained.unlock()
        writer.flush()
    }

    /// Cancels every in-flight request, replying -32800 to each at once.
    public func cancelAll(reason: String) {
        let entries = state.withLock { state -> [(RequestID, InFlight)] in
            let all = Array(state.inFlight)
            state.inFlight.removeAll()
            state.statistics.cancelled += all.count
            state.statistics.inFlight = 0
            return all
        }
        for (id, entry) in entries {
            entry.task?.cancel()
            deliver(response(id: id.json, error: .cancelled(reason)), batch: entry.batch)
        }
        signalDrained()
    }

    /// Blocks until every reply queued so far has been written.
    public func flush() { writer.flush() }

    /// True when the output can no longer be written (the client closed its end).
    public var outputBroken: Bool { writer.broken }

    /// Sends a notification to the client.
    public func sendNotification(_ method: String, params: JSONValue) {
        writer.send(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Sends a notification about a request only while that request is unanswered, so nothing
    /// about it follows its reply. Checked and queued under the state lock, which the reply path
    /// also takes before sending.
    func sendNotification(_ method: String, params: JSONValue, whileInFlight id: RequestID, serial: UInt64?) {
        let message: JSONValue = ["jsonrpc": "2.0", "method": .string(method), "params": params]
        guard let serial else {
            writer.send(message)
            return
        }
        state.withLock { state in
            if state.inFlight[id]?.serial == serial { writer.send(message) }
        }
    }

    // MARK: Dispatch

    private func handle(_ event: MessageFramer.Event) {
        switch event {
        case .framingDetected(let framing):
            writer.setFraming(framing)
            logger.debug("input framing: \(framing)")
        case .message(let bytes):
            handleMessage(bytes)
        case .malformedHeader(let reason):
            logger.warning("skipping message with a malformed header: \(reason)")
            replyUnattributed(RPCError(.parseError, "malformed message header: \(reason)"))
        case .tooLarge(let size, let limit):
            let sizeText = size.map { "\($0) bytes" } ?? "more than \(limit) bytes"
            logger.warning("skipping message of \(sizeText): limit is \(limit)")
            var data: [String: JSONValue] = ["limit": .int(Int64(limit))]
            if let size { data["size"] = .int(Int64(size)) }
            replyUnattributed(RPCError(.invalidRequest,
                "message of \(sizeText) exceeds the limit of \(limit) bytes (--max-message-bytes)", data: .object(data)))
        case .truncated(let expected, let received):
            logger.warning("input ended \(expected - received) bytes short of a message body")
            replyUnattributed(RPCError(.parseError,
                "input ended inside a message: Content-Length was \(expected), only \(received) bytes arrived"))
        }
    }

    private func handleMessage(_ bytes: [UInt8]) {
        let message: JSONValue
        do {
            message = try JSONValue.parse(bytes)
        } catch {
            logger.debug("unparseable message: \(error)")
            replyUnattributed(RPCError(.parseError, "invalid JSON: \(error)"))
            return
        }
        guard case .array(let elements) = message else {
            dispatch(message, batch: nil)
            return
        }
        guard !elements.isEmpty else {
            replyUnattributed(RPCError(.invalidRequest, "a batch must hold at least one request"))
            return
        }
        let batch = BatchReply(writer: writer)
        for element in elements { dispatch(element, batch: batch) }
        batch.seal()
    }

    private func dispatch(_ message: JSONValue, batch: BatchReply?) {
        guard case .object(let fields) = message else {
            reject(id: .null, RPCError(.invalidRequest, "a request must be a JSON object, not \(message.typeName)"), batch)
            return
        }
        let rawID = fields["id"]
        let id = rawID.flatMap(RequestID.init)
        let replyID: JSONValue = id?.json ?? .null
        if let rawID, id == nil {
            reject(id: .null, RPCError(.invalidRequest, "id must be an integer or a string, not \(rawID.typeName)"), batch)
            return
        }
        guard fields["jsonrpc"] == "2.0" else {
            reject(id: replyID, RPCError(.invalidRequest, "jsonrpc must be \"2.0\""), batch)
            return
        }
        guard case .string(let method)? = fields["method"] else {
            if fields["result"] != nil || fields["error"] != nil {
                logger.debug("ignoring a response from the client (id \(replyID.serializedString()))")
            } else {
                reject(id: replyID, RPCError(.invalidRequest, "method must be a string"), batch)
            }
            return
        }
        // Absent and null params both mean none (jsonrpc.el and others send "params": null).
        var params = fields["params"] ?? .object([:])
        if params == .null { params = .object([:]) }
        switch params {
        case .object, .array: break
        default:
            if id != nil {
                reject(id: replyID, .invalidParams("params must be an object or an array, not \(params.typeName)", path: "params"), batch)
            }
            return
        }
        if let id {
            handleRequest(id: id, method: method, params: params, batch: batch)
        } else {
            handleNotification(method: method, params: params)
        }
    }

    private func handleNotification(method: String, params: JSONValue) {
        if method == "$/cancelRequest" {
            if let target = params["id"].flatMap(RequestID.init) { cancel(target) }
            return
        }
        if let refusal = gate?(method, false) {
            logger.debug("dropping notification \(method): \(refusal.message)")
            return
        }
        guard let handler = notificationHandlers[method] else {
            if !method.hasPrefix("$/") { logger.debug("ignoring unknown notification \(method)") }
            return
        }
        handler(params)
    }

    private func handleRequest(id: RequestID, method: String, params given: JSONValue, batch: BatchReply?) {
        var params = given
        if let refusal = gate?(method, true) {
            reject(id: id.json, refusal, batch)
            return
        }
        guard let handler = requestHandlers[method] else {
            reject(id: id.json, RPCError(.methodNotFound, "method not found: \(method)"), batch)
            return
        }
        if let paramsPreparer {
            do {
                params = try paramsPreparer(method, params)
            } catch {
                reject(id: id.json, error, batch)
                return
            }
        }
        if let inline = handler.inline {
            let context = RequestContext(
                id: id, method: method, serial: nil,
                workDoneToken: params["workDoneToken"], partialResultToken: params["partialResultToken"],
                connection: self)
            guard !isInFlight(id) else {
                reject(id: id.json, duplicate(id), batch)
                return
            }
            let outcome = Result { try inline(params, context) }
            count(outcome)
            deliver(response(id: id.json, outcome: outcome), batch: batch)
            return
        }

        guard let serial = register(id, batch: batch) else {
            reject(id: id.json, duplicate(id), batch)
            return
        }
        let context = RequestContext(
            id: id, method: method, serial: serial,
            workDoneToken: params["workDoneToken"], partialResultToken: params["partialResultToken"],
            connection: self)
        let concurrent = handler.concurrent!
        let task = Task.detached(executorPreference: configuration.taskExecutor) { [self] in
            let outcome: Result<JSONValue, any Error>
            do {
                outcome = .success(try await concurrent(params, context))
            } catch {
                outcome = .failure(error)
            }
            finish(id, serial: serial, outcome)
        }
        state.withLock { state in
            if state.inFlight[id]?.serial == serial { state.inFlight[id]?.task = task }
        }
    }

    /// Runs the handler registered for `method` with `params` inside the request `context` is
    /// serving, as if the client had sent that request: through the gate, the params preparer and
    /// the error mapper. For a request that stands for another (MCP's `tools/call`); the inner call
    /// shares the outer request's task, so cancelling the outer one cancels it.
    public func invoke(_ method: String, params given: JSONValue, context: RequestContext) async throws(RPCError) -> JSONValue {
        if let refusal = gate?(method, true) { throw refusal }
        guard let handler = requestHandlers[method] else {
            throw RPCError(.methodNotFound, "method not found: \(method)")
        }
        guard case .object = given else {
            throw RPCError.invalidParams("params must be an object, not \(given.typeName)", path: "params")
        }
        var params = given
        if let paramsPreparer { params = try paramsPreparer(method, params) }
        do {
            if let inline = handler.inline { return try inline(params, context) }
            return try await handler.concurrent!(params, context)
        } catch {
            throw mapError(error)
        }
    }

    /// Cancels an in-flight request as `$/cancelRequest` does, for other protocols' cancellation
    /// notifications: with `reply`, it is answered -32800; without (MCP, whose receivers send no
    /// response to a cancelled request), it gets no reply — unless it belongs to a batch, whose
    /// reply needs every member.
    public func cancelRequest(_ id: RequestID, reply: Bool = true) { cancel(id, reply: reply) }

    private func duplicate(_ id: RequestID) -> RPCError {
        RPCError(.invalidRequest, "duplicate request id \(id): a request with that id is still in flight")
    }

    private func isInFlight(_ id: RequestID) -> Bool {
        state.withLock { $0.inFlight[id] != nil }
    }

    /// Records a new in-flight request; nil if its id is already in flight.
    private func register(_ id: RequestID, batch: BatchReply?) -> UInt64? {
        let serial = state.withLock { state -> UInt64? in
            guard state.inFlight[id] == nil else { return nil }
            state.nextSerial += 1
            state.inFlight[id] = InFlight(serial: state.nextSerial, task: nil, batch: batch)
            state.statistics.inFlight = state.inFlight.count
            return state.nextSerial
        }
        if serial != nil { batch?.expect() }
        return serial
    }

    /// Replies with a handler's outcome, unless the request was already answered (cancelled).
    private func finish(_ id: RequestID, serial: UInt64, _ outcome: Result<JSONValue, any Error>) {
        let entry = state.withLock { state -> InFlight? in
            guard let entry = state.inFlight[id], entry.serial == serial else { return nil }
            state.inFlight[id] = nil
            state.statistics.inFlight = state.inFlight.count
            return entry
        }
        guard let entry else { return }
        count(outcome)
        deliver(response(id: id.json, outcome: outcome), batch: entry.batch)
        signalDrained()
    }

    private func cancel(_ id: RequestID, reply: Bool = true) {
        let entry = state.withLock { state -> InFlight? in
            guard let entry = state.inFlight.removeValue(forKey: id) else { return nil }
            state.statistics.cancelled += 1
            state.statistics.inFlight = state.inFlight.count
            return entry
        }
        guard let entry else {
            logger.debug("cancel for \(id), which is not in flight")
            return
        }
        entry.task?.cancel()
        if reply || entry.batch != nil { deliver(response(id: id.json, error: .cancelled()), batch: entry.batch) }
        signalDrained()
    }

    private func signalDrained() {
        drained.lock()
        drained.broadcast()
        drained.unlock()
    }

    // MARK: Replies

    private func count(_ outcome: Result<JSONValue, any Error>) {
        state.withLock { state in
            switch outcome {
            case .success: state.statistics.served += 1
            case .failure(let error) where mapError(error).code == .requestCancelled: state.statistics.cancelled += 1
            case .failure: state.statistics.failed += 1
            }
        }
    }

    private func mapError(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: return error
        case is CancellationError: return .cancelled()
        default: return errorMapper(error)
        }
    }

    private func response(id: JSONValue, outcome: Result<JSONValue, any Error>) -> JSONValue {
        switch outcome {
        case .success(let result): return ["jsonrpc": "2.0", "id": id, "result": result]
        case .failure(let error): return response(id: id, error: mapError(error))
        }
    }

    private func response(id: JSONValue, error: RPCError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.json]
    }

    private func reject(id: JSONValue, _ error: RPCError, _ batch: BatchReply?) {
        state.withLock { $0.statistics.failed += 1 }
        batch?.expect()
        deliver(response(id: id, error: error), batch: batch)
    }

    /// An error about a message whose id is unknown (bad framing, bad JSON): id null.
    private func replyUnattributed(_ error: RPCError) {
        reject(id: .null, error, nil)
    }

    private func deliver(_ response: JSONValue, batch: BatchReply?) {
        if let batch {
            batch.add(response)
        } else {
            writer.send(response)
        }
    }
}

/// Collects the replies to one batch and sends them as one array once all have arrived.
final class BatchReply: @unchecked Sendable {
    private struct State {
        var expected = 0
        var responses: [JSONValue] = []
        var sealed = false
    }

    private let state = Mutex(State())
    private let writer: OutputWriter

    init(writer: OutputWriter) { self.writer = writer }

    func expect() { state.withLock { $0.expected += 1 } }

    func add(_ response: JSONValue) {
        let complete = state.withLock { state -> [JSONValue]? in
            state.responses.append(response)
            return state.sealed && state.responses.count == state.expected ? state.responses : nil
        }
        if let complete { writer.send(.array(complete)) }
    }

    /// Marks the batch as fully dispatched; sends it if every reply is already in. A batch of
    /// notifications only gets no reply at all.
    func seal() {
        let complete = state.withLock { state -> [JSONValue]? in
            state.sealed = true
            return state.expected > 0 && state.responses.count == state.expected ? state.responses : nil
        }
        if let complete { writer.send(.array(complete)) }
    }
}
