import Engine
import Foundation
import Routing
import Store
import Testing

/// Backend definitions: checked when defined, stored, listed, replaced, removed, and kept across a
/// reopen of the store.
@Suite("Backend catalog")
struct BackendCatalogTests {
    static func remote(_ name: String, baseURL: String = "http://127.0.0.1:8000/v1", model: String = "qwen",
                       apiKeyEnv: String? = "OPENAI_API_KEY", timeoutSeconds: Double = 30, cost: Double = 0.5) throws -> Backend {
        try Backend(name: name, kind: .remote(try RemoteEndpoint(baseURL: baseURL, model: model, apiKeyEnv: apiKeyEnv)),
                    timeoutSeconds: timeoutSeconds, costPer1kTokens: cost)
    }

    @Test("backends are saved, listed by name, fetched, replaced and removed")
    func lifecycle() throws {
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        let local = try Backend(name: "small", kind: .local(model: "tiny"), timeoutSeconds: 5, costPer1kTokens: 0)
        let big = try Self.remote("big")
        try catalog.save(big)
        try catalog.save(local)
        #expect(try catalog.all() == [big, local])
        #expect(try catalog.backend(named: "small") == local)

        let replaced = try Self.remote("big", baseURL: "https://api.example.com", model: "gpt-x", apiKeyEnv: nil, timeoutSeconds: 120, cost: 3)
        try catalog.save(replaced)
        #expect(try catalog.all() == [replaced, local])

        #expect(try catalog.remove(named: "big"))
        #expect(try !catalog.remove(named: "big"))
        #expect(try catalog.all() == [local])
        #expect(throws: BackendError.self) { try catalog.backend(named: "big") }
    }

    @Test("an unknown backend is notFound, naming it")
    func notFound() throws {
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        do {
            _ = try catalog.backend(named: "nope")
            Issue.record("expected notFound")
        } catch let error as BackendError {
            #expect(error.kind == .notFound)
            #expect(error.backend == "nope")
        }
    }

    @Test("definitions survive closing and reopening the store")
    func survivesReopen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-backends-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let saved = [try Self.remote("a-remote"), try Backend(name: "b-local", kind: .local(model: "tiny"), costPer1kTokens: 0.01)]
        do {
            let store = try Store(path: path)
            for backend in saved { try BackendCatalog(store: store).save(backend) }
            store.close()
        }
        let reopened = try Store(path: path)
        defer { reopened.close() }
        #expect(try BackendCatalog(store: reopened).all() == saved)
    }

    @Test("only the name of the key's variable is stored")
    func keyNameOnly() throws {
        let store = try Store(path: ":memory:")
        try BackendCatalog(store: store).save(try Self.remote("r", apiKeyEnv: "MY_KEY"))
        let record = try #require(try store.backend(named: "r"))
        #expect(record.apiKeyEnv == "MY_KEY")
        #expect(record == Store.BackendRecord(name: "r", kind: "remote", model: "qwen", baseURL: "http://127.0.0.1:8000/v1",
                                              apiKeyEnv: "MY_KEY", timeoutSeconds: 30, costPer1kTokens: 0.5))
    }

    /// A bad definition and the field it must be blamed on.
    static let invalid: [(Store.BackendRecord, String)] = [
        (record(name: ""), "name"),
        (record(name: String(repeating: "x", count: 129)), "name"),
        (record(timeout: 0), "timeoutSeconds"),
        (record(timeout: 600.5), "timeoutSeconds"),
        (record(timeout: -1), "timeoutSeconds"),
        (record(cost: -0.01), "costPer1kTokens"),
        (record(cost: .infinity), "costPer1kTokens"),
        (record(model: ""), "model"),
        (record(kind: "local", model: "", baseURL: nil), "model"),
        (record(kind: "elsewhere"), "kind"),
        (record(baseURL: nil), "baseURL"),
        (record(baseURL: "ftp://127.0.0.1/v1"), "baseURL"),
        (record(baseURL: "not a url"), "baseURL"),
        (record(baseURL: "http:///v1"), "baseURL"),
        (record(baseURL: "http://host/v1?x=1"), "baseURL"),
        (record(apiKeyEnv: "sk-live-abcdef"), "apiKeyEnv"),
        (record(apiKeyEnv: "1KEY"), "apiKeyEnv"),
        (record(apiKeyEnv: ""), "apiKeyEnv"),
        (record(kind: "local", baseURL: "http://127.0.0.1:8000"), "baseURL"),
        (record(kind: "local", baseURL: nil, apiKeyEnv: "KEY"), "apiKeyEnv"),
    ]

    static func record(name: String = "b", kind: String = "remote", model: String = "m", baseURL: String? = "http://127.0.0.1:8000",
                       apiKeyEnv: String? = nil, timeout: Double = 60, cost: Double = 0) -> Store.BackendRecord {
        Store.BackendRecord(name: name, kind: kind, model: model, baseURL: baseURL,
                            apiKeyEnv: apiKeyEnv, timeoutSeconds: timeout, costPer1kTokens: cost)
    }

    @Test("a bad definition is invalidDefinition naming the field", arguments: invalid)
    func rejects(record: Store.BackendRecord, field: String) {
        do {
            let backend = try Backend(record: record)
            Issue.record("accepted \(backend)")
        } catch {
            #expect(error.kind == .invalidDefinition)
            #expect(error.field == field, "\(error)")
        }
    }

    @Test("good definitions of both kinds are accepted, at the bounds too")
    func accepts() throws {
        #expect(try Backend(record: Self.record(timeout: 600)).timeoutSeconds == 600)
        #expect(try Backend(record: Self.record(timeout: 0.001, cost: 0)).costPer1kTokens == 0)
        #expect(try Backend(record: Self.record(kind: "local", model: "tiny", baseURL: nil)).kind == .local(model: "tiny"))
        #expect(try Backend(record: Self.record(apiKeyEnv: "_KEY_2")).model == "m")
    }

    @Test("cost is the tokens in thousands times the price")
    func cost() throws {
        let backend = try Backend(name: "b", kind: .local(model: "m"), costPer1kTokens: 0.6)
        #expect(backend.cost(tokens: 2500) == 1.5)
        #expect(backend.cost(tokens: 0) == 0)
    }
}
