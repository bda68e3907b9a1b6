import Engine
import Foundation
import JSON
import Routing
import Store
import Testing
import TestSupport

/// Remote backends against a loopback OpenAI-compatible server: what is sent, what comes back,
/// what it costs, and each way it can fail.
@Suite("Remote backends")
struct RemoteBackendTests {
    static let messages = [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "hello there")]

    /// A generator whose catalog holds one remote backend "remote" pointing at `baseURL`.
    static func generator(baseURL: String, apiKeyEnv: String? = nil, environment: [String: String] = [:],
                          timeoutSeconds: Double = 10, costPer1kTokens: Double = 0) throws -> BackendGenerator {
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        try catalog.save(try Backend(name: "remote", kind: .remote(try RemoteEndpoint(baseURL: baseURL, model: "served-model", apiKeyEnv: apiKeyEnv)),
                                     timeoutSeconds: timeoutSeconds, costPer1kTokens: costPer1kTokens))
        return BackendGenerator(engine: Engine(threads: 1, memoryLimit: nil), catalog: catalog,
                                client: RemoteChatClient(environment: environment))
    }

    static func options(maxTokens: Int = 32, temperature: Double = 0.25, stop: [String] = []) -> GenerationOptions {
        var sampling = SamplingParameters()
        sampling.temperature = temperature
        return GenerationOptions(sampling: sampling, maxTokens: maxTokens, stopStrings: stop)
    }

    /// The error `body` throws, which must be a `BackendError`.
    static func backendError(_ body: () async throws -> BackendGeneration) async -> BackendError? {
        do {
            let generation = try await body()
            Issue.record("expected a BackendError, got \(generation)")
            return nil
        } catch let error as BackendError {
            return error
        } catch {
            Issue.record("expected a BackendError, got \(error)")
            return nil
        }
    }

    @Test("a reply's content, finish reason and usage come back, with the cost computed from usage")
    func generates() async throws {
        let server = try ChatCompletionsServer(.echo(prefix: "echo: ", promptTokens: 1200, completionTokens: 300))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, costPer1kTokens: 2)
        let result = try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        #expect(result == BackendGeneration(backend: "remote", text: "echo: hello there", finishReason: "stop",
                                            promptTokens: 1200, completionTokens: 300, cost: 3.0))
    }

    @Test("the request carries the model, every message, max_tokens, temperature and stop, and a bearer key from the named variable")
    func requestBody() async throws {
        let server = try ChatCompletionsServer()
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, apiKeyEnv: "MINOS_TEST_API_KEY",
                                           environment: ["MINOS_TEST_API_KEY": "sk-test-123"])
        _ = try await generator.generate(backend: "remote", messages: Self.messages,
                                         options: Self.options(maxTokens: 7, temperature: 0.5, stop: ["END", "\n\n"]))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer sk-test-123")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(request.json, "not JSON: \(request.body)")
        #expect(body["model"] == "served-model")
        #expect(body["messages"] == [["role": "system", "content": "Be brief."], ["role": "user", "content": "hello there"]])
        #expect(body["max_tokens"] == 7)
        #expect(body["temperature"]?.doubleValue == 0.5)
        #expect(body["stop"] == ["END", "\n\n"])
    }

    @Test("without apiKeyEnv there is no Authorization header, and no stop strings send no stop")
    func noKeyNoStop() async throws {
        let server = try ChatCompletionsServer()
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, environment: ["OPENAI_API_KEY": "sk-not-to-be-sent"])
        _ = try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        let request = try #require(server.requests.first)
        #expect(request.headers["authorization"] == nil)
        #expect(request.json?["stop"] == nil)
    }

    @Test("a base URL with or without /v1 and trailing slashes reaches /v1/chat/completions",
          arguments: ["", "/", "/v1", "/v1/", "/v1//"])
    func baseURLForms(suffix: String) async throws {
        let server = try ChatCompletionsServer()
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL + suffix)
        let result = try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        #expect(result.text == "echo: hello there")
        #expect(server.requests.map(\.path) == ["/v1/chat/completions"])
    }

    @Test("a base URL with a path prefix keeps it")
    func pathPrefix() throws {
        let endpoint = try RemoteEndpoint(baseURL: "https://example.com:8443/api/", model: "m")
        #expect(endpoint.chatCompletionsURL.absoluteString == "https://example.com:8443/api/v1/chat/completions")
    }

    @Test("a non-2xx status is httpStatus with the status and the JSON body's error message")
    func httpStatusJSON() async throws {
        let server = try ChatCompletionsServer(.respond(status: 401, body: #"{"error": {"message": "invalid api key", "type": "auth"}}"#))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .httpStatus)
        #expect(error.status == 401)
        #expect(error.backend == "remote")
        #expect(error.message.contains("HTTP 401"))
        #expect(error.message.contains("invalid api key"))
    }

    @Test("a non-2xx status with a body that is not JSON shows the body's start")
    func httpStatusText() async throws {
        let server = try ChatCompletionsServer(.respond(status: 503, body: "upstream overloaded"))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .httpStatus)
        #expect(error.status == 503)
        #expect(error.message.contains("upstream overloaded"))
    }

    @Test("a 200 reply that is not a chat completion is malformedResponse",
          arguments: ["{not json", #"{"choices": []}"#, #"{"choices": [{"message": {"role": "assistant", "content": null}}]}"#, "[1, 2]"])
    func malformed(body: String) async throws {
        let server = try ChatCompletionsServer(.respond(status: 200, body: body))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .malformedResponse, "\(error)")
    }

    @Test("a reply without usage has no token counts and no cost")
    func noUsage() async throws {
        let body = #"{"choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": "length"}]}"#
        let server = try ChatCompletionsServer(.respond(status: 200, body: body))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, costPer1kTokens: 5)
        let result = try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        #expect(result == BackendGeneration(backend: "remote", text: "hi", finishReason: "length",
                                            promptTokens: nil, completionTokens: nil, cost: nil))
    }

    @Test("nothing listening is connectionFailed, saying the connection was refused")
    func connectionRefused() async throws {
        let server = try ChatCompletionsServer()
        let closedURL = server.baseURL
        server.stop()
        let generator = try Self.generator(baseURL: closedURL)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("refused"), "\(error)")
    }

    @Test("a connection closed without a reply is connectionFailed")
    func closedConnection() async throws {
        let server = try ChatCompletionsServer(.close)
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .connectionFailed, "\(error)")
        #expect(server.requests.count == 1)
    }

    @Test("an unset API-key variable is missingAPIKey, naming the variable, and sends nothing")
    func missingKey() async throws {
        let server = try ChatCompletionsServer()
        defer { server.stop() }
        for environment in [[:], ["MINOS_TEST_UNSET_KEY": ""]] {
            let generator = try Self.generator(baseURL: server.baseURL, apiKeyEnv: "MINOS_TEST_UNSET_KEY", environment: environment)
            let error = try #require(await Self.backendError {
                try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
            })
            #expect(error.kind == .missingAPIKey)
            #expect(error.message.contains("MINOS_TEST_UNSET_KEY"))
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a reply slower than the backend's timeout is timedOut")
    func timeout() async throws {
        // The server would answer after 30 s; only the 0.3 s timeout can end the request sooner
        // than that with an error.
        let server = try ChatCompletionsServer(.delay(seconds: 30, then: .echo()))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, timeoutSeconds: 0.3)
        let error = try #require(await Self.backendError {
            try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options())
        })
        #expect(error.kind == .timedOut)
        #expect(error.backend == "remote")
    }

    @Test("cancelling the task cancels the request with CancellationError")
    func cancellation() async throws {
        let server = try ChatCompletionsServer(.delay(seconds: 30, then: .echo()))
        defer { server.stop() }
        let generator = try Self.generator(baseURL: server.baseURL, timeoutSeconds: 60)
        let task = Task { try await generator.generate(backend: "remote", messages: Self.messages, options: Self.options()) }
        // Cancel once the request is in flight (the server has it).
        for _ in 0..<1000 where server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.requests.count == 1)
        task.cancel()
        let outcome = await task.result
        switch outcome {
        case .success(let generation): Issue.record("expected cancellation, got \(generation)")
        case .failure(let error): #expect(error is CancellationError, "\(error)")
        }
    }
}
