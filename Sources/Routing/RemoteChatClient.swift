import Engine
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSON
import Synchronization

/// What to ask a chat-completions endpoint for.
package struct RemoteChatRequest: Sendable, Equatable {
    package var messages: [ChatMessage]
    package var maxTokens: Int
    package var temperature: Double
    /// Sent as `stop` when not empty.
    package var stop: [String]

    package init(messages: [ChatMessage], maxTokens: Int, temperature: Double, stop: [String] = []) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stop = stop
    }
}

/// What a chat-completions endpoint answered.
package struct RemoteChatReply: Sendable, Equatable {
    /// `choices[0].message.content`.
    package var content: String
    /// `choices[0].finish_reason` ("stop", "length", …); nil when the server gave none.
    package var finishReason: String?
    /// `usage.prompt_tokens` and `usage.completion_tokens`; nil when the server did not report usage.
    package var promptTokens: Int?
    package var completionTokens: Int?
}

/// A client for OpenAI-compatible `POST /v1/chat/completions` (vLLM, llama.cpp's server, Ollama,
/// OpenAI), over URLSession. Each failure is a `BackendError` of its own kind: `missingAPIKey`,
/// `connectionFailed`, `timedOut`, `httpStatus` (with the server's error message when the body is
/// JSON) and `malformedResponse`. Cancelling the calling task cancels the HTTP request and throws
/// `CancellationError`.
package struct RemoteChatClient: Sendable {
    /// Where API keys are looked up by the name a backend gives (`apiKeyEnv`).
    package var environment: [String: String]

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// One session for every request: ephemeral (nothing cached or stored on disk); the deadline
    /// of each request is enforced by `withDeadline`, the session's own timeout is only a backstop.
    private static let session = URLSession(configuration: .ephemeral)

    /// Asks `endpoint` for a chat completion, failing with `timedOut` after `timeoutSeconds`.
    package func complete(_ request: RemoteChatRequest, endpoint: RemoteEndpoint, timeoutSeconds: Double) async throws -> RemoteChatReply {
        let urlRequest = try self.urlRequest(request, endpoint: endpoint, timeoutSeconds: timeoutSeconds)
        let url = endpoint.chatCompletionsURL
        let (data, response) = try await withDeadline(seconds: timeoutSeconds, what: "POST \(url.absoluteString)") {
            try await Self.exchange(urlRequest)
        }
        guard (200..<300).contains(response.statusCode) else {
            throw BackendError(.httpStatus, "HTTP \(response.statusCode) from \(url.absoluteString): \(Self.errorMessage(in: data))",
                               status: response.statusCode)
        }
        return try Self.reply(from: data, url: url)
    }

    /// The HTTP request: JSON body, and a bearer token from `endpoint.apiKeyEnv` when it names one.
    func urlRequest(_ request: RemoteChatRequest, endpoint: RemoteEndpoint, timeoutSeconds: Double) throws(BackendError) -> URLRequest {
        var urlRequest = URLRequest(url: endpoint.chatCompletionsURL, cachePolicy: .reloadIgnoringLocalCacheData,
                                    timeoutInterval: timeoutSeconds + 1)
        urlRequest.httpMethod = "POST"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        if let variable = endpoint.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else {
                throw BackendError(.missingAPIKey, "the API key variable \(variable) is not set in minosd's environment")
            }
            urlRequest.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        var body: [String: JSONValue] = [
            "model": .string(endpoint.model),
            "messages": .array(request.messages.map { ["role": .string($0.role), "content": .string($0.content)] }),
            "max_tokens": .int(Int64(request.maxTokens)),
            "temperature": .double(request.temperature),
        ]
        if !request.stop.isEmpty { body["stop"] = .array(request.stop.map(JSONValue.string)) }
        urlRequest.httpBody = Data(JSONValue.object(body).serialized())
        return urlRequest
    }

    /// Sends `request`; cancelling the task cancels the transfer.
    private static func exchange(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        // The running transfer, and whether the task was cancelled before it started.
        let transfer = Mutex<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))
        let host = request.url.map { "\($0.host ?? "?"):\($0.port.map(String.init) ?? "default port")" } ?? "?"
        return try await withTaskCancellationHandler {
            let outcome: Result<(Data, HTTPURLResponse), any Error> = await withCheckedContinuation { continuation in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(returning: .failure(error))
                    } else if let http = response as? HTTPURLResponse {
                        continuation.resume(returning: .success((data ?? Data(), http)))
                    } else {
                        continuation.resume(returning: .failure(URLError(.badServerResponse)))
                    }
                }
                let cancelled = transfer.withLock { state in
                    state.task = task
                    return state.cancelled
                }
                task.resume()
                if cancelled { task.cancel() }
            }
            switch outcome {
            case .success(let value): return value
            case .failure(let error): throw translate(error, host: host)
            }
        } onCancel: {
            let task = transfer.withLock { state in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }

    /// A URLSession failure as a `BackendError` (or `CancellationError` once the task is cancelled).
    private static func translate(_ error: any Error, host: String) -> any Error {
        guard let error = error as? URLError else {
            return BackendError(.connectionFailed, "request to \(host) failed: \(error)")
        }
        switch error.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return BackendError(.timedOut, "no reply from \(host) in time")
        case .cannotConnectToHost:
            return BackendError(.connectionFailed, "could not connect to \(host) (connection refused: is the server running?)")
        case .cannotFindHost, .dnsLookupFailed:
            return BackendError(.connectionFailed, "cannot resolve the host of \(host)")
        case .networkConnectionLost, .badServerResponse, .zeroByteResource:
            return BackendError(.connectionFailed, "\(host) closed the connection without a complete reply")
        default:
            return BackendError(.connectionFailed, "request to \(host) failed: \(error.localizedDescription) (URLError \(error.code.rawValue))")
        }
    }

    /// The reply in a 2xx body, or `malformedResponse` saying what is missing.
    static func reply(from data: Data, url: URL) throws(BackendError) -> RemoteChatReply {
        let body: JSONValue
        do {
            body = try JSONValue.parse(Array(data))
        } catch {
            throw BackendError(.malformedResponse, "the reply from \(url.absoluteString) is not JSON (\(error.message)): \(excerpt(data))")
        }
        guard let choice = body["choices"]?[0] else {
            throw BackendError(.malformedResponse, "the reply from \(url.absoluteString) has no choices[0]: \(excerpt(data))")
        }
        guard let content = choice["message"]?["content"]?.stringValue else {
            throw BackendError(.malformedResponse, "the reply from \(url.absoluteString) has no text in choices[0].message.content")
        }
        let usage = body["usage"]
        return RemoteChatReply(content: content, finishReason: choice["finish_reason"]?.stringValue,
                               promptTokens: usage?["prompt_tokens"]?.intValue.map(Int.init),
                               completionTokens: usage?["completion_tokens"]?.intValue.map(Int.init))
    }

    /// The message in an error body: OpenAI's `error.message`, `error` as a string, vLLM's
    /// `message`, FastAPI's `detail`; else the start of the body.
    static func errorMessage(in data: Data) -> String {
        if let body = try? JSONValue.parse(Array(data)),  // not JSON: the excerpt below says what came
           let message = body["error"]?["message"]?.stringValue ?? body["error"]?.stringValue
               ?? body["message"]?.stringValue ?? body["detail"]?.stringValue {
            return message
        }
        return data.isEmpty ? "(empty body)" : excerpt(data)
    }

    static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        return data.count > 200 ? text + "…" : text
    }
}
