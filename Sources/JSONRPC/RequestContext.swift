import JSON

/// What a handler knows about the request it is serving, and how it talks back before replying.
public struct RequestContext: Sendable {
    public let id: RequestID
    public let method: String
    /// The in-flight entry's serial; nil for inline requests, which reply before anything else.
    let serial: UInt64?
    /// The `workDoneToken` the client put in params, if any: progress is reported only then.
    public let workDoneToken: JSONValue?
    /// The `partialResultToken` the client put in params, if any: partial results go only then.
    public let partialResultToken: JSONValue?
    let connection: Connection
    /// Where work-done progress goes instead of `$/progress`, for a request that stands for another
    /// protocol's (see `forwarding`); it gets the LSP-shaped value (`kind`, `title`, `message`,
    /// `percentage`).
    var progressSink: (@Sendable (JSONValue) -> Void)? = nil

    /// A context for running `method` on behalf of this request (`Connection.invoke`): same id,
    /// same in-flight entry, no partial results; progress is reported when `progress` is given,
    /// to it rather than as `$/progress`.
    public func forwarding(to method: String, progress: (@Sendable (JSONValue) -> Void)?) -> RequestContext {
        RequestContext(id: id, method: method, serial: serial,
                       workDoneToken: progress == nil ? nil : .string("forwarded"),
                       partialResultToken: nil, connection: connection, progressSink: progress)
    }

    /// Sends a notification about this request, only while it is unanswered.
    public func sendNotification(_ method: String, params: JSONValue) {
        connection.sendNotification(method, params: params, whileInFlight: id, serial: serial)
    }

    /// True once the request has been cancelled (by the client or by shutdown).
    public var isCancelled: Bool { Task.isCancelled }

    /// Throws `CancellationError` if the request has been cancelled; call it in loops.
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }

    /// Starts work-done progress (`kind: begin`).
    public func beginProgress(title: String, message: String? = nil, percentage: Int? = nil) {
        var value: [String: JSONValue] = ["kind": "begin", "title": .string(title), "cancellable": true]
        if let message { value["message"] = .string(message) }
        if let percentage { value["percentage"] = .int(Int64(percentage)) }
        progress(.object(value))
    }

    /// Reports progress (`kind: report`); `percentage` is 0…100.
    public func reportProgress(message: String? = nil, percentage: Int? = nil) {
        var value: [String: JSONValue] = ["kind": "report"]
        if let message { value["message"] = .string(message) }
        if let percentage { value["percentage"] = .int(Int64(max(0, min(100, percentage)))) }
        progress(.object(value))
    }

    /// Ends progress (`kind: end`).
    public func endProgress(message: String? = nil) {
        var value: [String: JSONValue] = ["kind": "end"]
        if let message { value["message"] = .string(message) }
        progress(.object(value))
    }

    /// Sends a partial result (e.g. streamed tokens) if the client asked for them.
    public func sendPartialResult(_ value: JSONValue) {
        guard let partialResultToken else { return }
        connection.sendNotification("$/progress", params: ["token": partialResultToken, "value": value],
                                    whileInFlight: id, serial: serial)
    }

    private func progress(_ value: JSONValue) {
        guard let workDoneToken else { return }
        if let progressSink {
            progressSink(value)
            return
        }
        connection.sendNotification("$/progress", params: ["token": workDoneToken, "value": value],
                                    whileInFlight: id, serial: serial)
    }
}
