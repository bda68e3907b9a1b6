import Engine
import Foundation
import JSON
import Store

/// Turns queries into the vectors a router was trained on (a loaded model's embeddings).
package protocol QueryEmbedder: Sendable {
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// Why a routing request could not be served, naming the param at fault.
package struct RouterError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable { case invalid, notFound }
    package var kind: Kind
    package var field: String
    package var message: String
    package var description: String { message }
}

/// Routers as the daemon keeps them: trained on embedded queries (Zooter), stored, queried, and
/// used to pick the backend that generates.
package struct RouterService: Sendable {
    package let store: Store
    package let generator: BackendGenerator
    var catalog: BackendCatalog { generator.catalog }

    package init(store: Store, generator: BackendGenerator) {
        self.store = store
        self.generator = generator
    }

    /// A training example as a client gives it.
    package struct Example: Sendable {
        package var query: String
        package var rewards: [String: Double]
        package var tags: [String]
        package init(query: String, rewards: [String: Double], tags: [String]) {
            self.query = query
            self.rewards = rewards
            self.tags = tags
        }
    }

    /// Embeds every query, trains the head and stores the router (replacing one of the same name).
    package func train(name: String, embedder: some QueryEmbedder, embedModel: String, pooling: String, normalize: Bool,
                       backends: [String], data: [Example], settings: RouterTrainingSettings,
                       progress: @escaping @Sendable (_ done: Int, _ total: Int, _ message: String) -> Void = { _, _, _ in }) async throws -> Router {
        guard !name.isEmpty else { throw RouterError(kind: .invalid, field: "router", message: "router must not be empty") }
        guard Set(backends).count == backends.count else {
            throw RouterError(kind: .invalid, field: "backends", message: "backends must not repeat")
        }
        for backend in backends { _ = try catalog.backend(named: backend) }
        for (index, example) in data.enumerated() {
            if let missing = backends.first(where: { example.rewards[$0] == nil }) {
                throw RouterError(kind: .invalid, field: "data[\(index)].rewards", message: "data[\(index)] has no reward for backend '\(missing)'")
            }
        }
        var embeddings: [[Float]] = []
        for start in stride(from: 0, to: data.count, by: 64) {
            try Task.checkCancellation()
            embeddings += try await embedder.embed(data[start..<min(start + 64, data.count)].map(\.query))
            progress(embeddings.count, data.count + settings.epochs, "embedded \(embeddings.count) of \(data.count) queries")
        }
        let examples = zip(data, embeddings).map { example, embedding in
            RouterExample(embedding: embedding, rewards: backends.map { example.rewards[$0]! }, tags: example.tags)
        }
        let router: Router
        do {
            router = try RouterTrainer.train(
                name: name, backends: backends, embedModel: embedModel, pooling: pooling, normalize: normalize, examples: examples,
                settings: settings,
                progress: { epoch, loss in progress(data.count + epoch, data.count + settings.epochs, "epoch \(epoch): loss \(loss)") },
                cancelled: { Task.isCancelled })
        } catch let error as RouterTrainingError {
            throw RouterError(kind: .invalid, field: error.field, message: error.description)
        }
        try store.saveRouter(name: name, definition: try JSONValueEncoder().encode(router).serializedString())
        return router
    }

    package func router(named name: String) throws -> Router {
        guard let definition = try store.router(named: name) else {
            throw RouterError(kind: .notFound, field: "router", message: "no router named '\(name)' (route/list shows the trained ones)")
        }
        return try JSONValueDecoder().decode(Router.self, from: try JSONValue.parse(definition))
    }

    package func list() throws -> [Router] {
        try store.routers().map { try JSONValueDecoder().decode(Router.self, from: try JSONValue.parse($0.definition)) }
    }

    package func delete(named name: String) throws {
        guard try store.deleteRouter(named: name) else {
            throw RouterError(kind: .notFound, field: "router", message: "no router named '\(name)'")
        }
    }

    /// Each backend's cost per 1k tokens, in the router's order.
    func costs(_ router: Router) throws -> [Double] {
        try router.backends.map { try catalog.backend(named: $0).costPer1kTokens }
    }

    /// The router's distribution for each query and its choice (nil when no backend is affordable).
    package func route(_ router: Router, queries: [String], embedder: some QueryEmbedder, maxCost: Double?,
                       costWeight: Double) async throws -> [(distribution: [Double], choice: Int?)] {
        let costs = try costs(router)
        let embeddings = try await embedder.embed(queries)
        return embeddings.map { embedding in
            let p = router.distribution(embedding)
            return (p, RouteChoice.choose(p, costs: costs, maxCost: maxCost, costWeight: costWeight))
        }
    }

    /// The cost weight sending `share` of `queries` to the most expensive backend.
    package func calibrate(_ router: Router, queries: [String], share: Double,
                           embedder: some QueryEmbedder) async throws -> (costWeight: Double, share: Double, expensive: String) {
        let costs = try costs(router)
        let distributions = try await embedder.embed(queries).map(router.distribution)
        let found = RouteChoice.calibrate(distributions, costs: costs, share: share)
        let expensive = costs.indices.max { costs[$0] < costs[$1] } ?? 0
        return (found.costWeight, found.share, router.backends[expensive])
    }

    /// Routes the last user message and generates on the chosen backend; with `fallback`, a
    /// failing backend passes the request to the next most likely affordable one.
    package func generate(_ router: Router, messages: [ChatMessage], embedder: some QueryEmbedder, maxCost: Double?,
                          costWeight: Double, fallback: Bool, options: GenerationOptions) async throws
        -> (generation: BackendGeneration, distribution: [Double], attempts: [(backend: String, error: String?)])
    {
        guard let query = messages.last(where: { $0.role == "user" })?.content ?? messages.last?.content else {
            throw RouterError(kind: .invalid, field: "messages", message: "give a query or at least one message")
        }
        let costs = try costs(router)
        let p = router.distribution(try await embedder.embed([query])[0])
        guard let first = RouteChoice.choose(p, costs: costs, maxCost: maxCost, costWeight: costWeight) else {
            throw RouterError(kind: .invalid, field: "maxCost", message: "no backend costs at most \(maxCost ?? 0) per 1k tokens")
        }
        // The chosen backend first, then the rest that are affordable, most likely first.
        let rest = p.indices.filter { index in index != first && (maxCost.map { costs[index] <= $0 } ?? true) }
        let order = [first] + rest.sorted { p[$0] > p[$1] }
        var attempts: [(backend: String, error: String?)] = []
        for index in order {
            let backend = router.backends[index]
            do {
                let generation = try await generator.generate(backend: backend, messages: messages, options: options)
                attempts.append((backend, nil))
                return (generation, p, attempts)
            } catch let error as BackendError where fallback && error.kind != .invalidDefinition {
                attempts.append((backend, error.description))
            }
        }
        throw BackendError(.connectionFailed, "every backend failed: " + attempts.map { "\($0.backend): \($0.error ?? "")" }.joined(separator: "; "),
                           backend: attempts.last?.backend)
    }
}
