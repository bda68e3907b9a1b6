import Engine
import Foundation
import Kernels
import Routing
import Store
import TestSupport
import Testing

/// A deterministic bag-of-words embedder: each word hashes to a fixed random vector; a query is
/// the normalized mean of its words' vectors. Topics with their own vocabularies are separable,
/// shared filler words blur them.
struct HashingEmbedder: QueryEmbedder {
    let dimension = 32

    func vector(_ word: Substring) -> [Float] {
        var h: UInt64 = 1469598103934665603
        for b in word.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        var rng = SplitMix64(seed: h)
        return (0..<dimension).map { _ in rng.normal() }
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { text in
            var sum = [Float](repeating: 0, count: dimension)
            let words = text.split(separator: " ")
            for word in words { for (i, x) in vector(word).enumerated() { sum[i] += x } }
            let norm = max(sum.map { $0 * $0 }.reduce(0, +).squareRoot(), 1e-6)
            return sum.map { $0 / norm }
        }
    }
}

/// Queries from four topics whose best backend differs by topic; rewards are noisy.
enum TopicTask {
    static let vocabularies = [
        ["integral", "derivative", "limit", "matrix", "eigenvalue", "theorem", "proof", "series"],
        ["function", "compile", "pointer", "loop", "recursion", "array", "syntax", "debug"],
        ["poem", "rhyme", "story", "metaphor", "novel", "verse", "character", "plot"],
        ["protein", "cell", "enzyme", "gene", "molecule", "reaction", "organism", "tissue"],
    ]
    static let filler = ["please", "explain", "the", "a", "how", "why", "what", "about"]
    /// Mean reward of each backend (a, b, c) per topic: each topic has its own best.
    static let rewards: [[Double]] = [[0.9, 0.5, 0.4], [0.4, 0.85, 0.5], [0.5, 0.45, 0.9], [0.55, 0.8, 0.45]]
    static let backends = ["a", "b", "c"]

    static func data(count: Int, seed: UInt64) -> [RouterService.Example] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let topic = i % 4
            let words = (0..<5).map { _ in vocabularies[topic][Int(rng.next() % 8)] } + (0..<3).map { _ in filler[Int(rng.next() % 8)] }
            let rewards = Dictionary(uniqueKeysWithValues: zip(backends, rewards[topic].map { $0 + 0.15 * Double(rng.normal()) }))
            return RouterService.Example(query: words.shuffled(using: &rng).joined(separator: " "), rewards: rewards, tags: ["topic\(topic)"])
        }
    }
}

@Suite("Routers: training, storing, routing, generating")
struct RouterServiceTests {
    private func service(_ path: String? = nil, remote: [String: String] = [:]) throws -> RouterService {
        let store = try Store(path: path ?? ":memory:")
        let catalog = BackendCatalog(store: store)
        for name in TopicTask.backends {
            let baseURL = remote[name] ?? "http://127.0.0.1:9"
            try catalog.save(try Backend(name: name, kind: .remote(try RemoteEndpoint(baseURL: baseURL, model: name)),
                                         timeoutSeconds: 5, costPer1kTokens: name == "c" ? 10 : (name == "b" ? 2 : 1)))
        }
        return RouterService(store: store, generator: BackendGenerator(engine: Engine(threads: 1, memoryLimit: nil), catalog: catalog))
    }

    private func train(_ service: RouterService, hidden: Int = 0, seed: UInt64 = 1, beta: Double = 0.3) async throws -> Router {
        var settings = RouterTrainingSettings()
        settings.hidden = hidden
        settings.seed = seed
        settings.beta = beta
        settings.epochs = 40
        return try await service.train(name: "topics", embedder: HashingEmbedder(), embedModel: "hash", pooling: "mean", normalize: true,
                                       backends: TopicTask.backends, data: TopicTask.data(count: 400, seed: 5), settings: settings)
    }

    @Test("a trained router beats the best single backend on held-out queries, linear and with a hidden layer", arguments: [0, 32])
    func beatsTheBestSingleBackend(hidden: Int) async throws {
        let router = try await train(try service(), hidden: hidden)
        let metrics = try #require(router.metrics)
        #expect(metrics.heldOutExamples == 80)
        #expect(metrics.routedReward > metrics.bestSingleReward + 0.1, "\(metrics)")
        #expect(metrics.accuracy > 0.7, "\(metrics)")
        #expect(metrics.routedReward <= metrics.oracleReward + 1e-12)
    }

    @Test("training is deterministic for a seed, and the seed matters")
    func deterministic() async throws {
        let a = try await train(try service()), b = try await train(try service())
        #expect(a == b)
        let c = try await train(try service(), seed: 2)
        #expect(c.w2 != a.w2)
    }

    @Test("tag enhancement mixes each label with its tags' mean label")
    func tagLabels() {
        let examples = [RouterExample(embedding: [0], rewards: [1, 0], tags: ["t"]), RouterExample(embedding: [0], rewards: [0, 1], tags: ["t"]),
                        RouterExample(embedding: [0], rewards: [0, 1], tags: [])]
        let own = RouterTrainer.labels(examples, temperature: 1, beta: 1)
        let mixed = RouterTrainer.labels(examples, temperature: 1, beta: 0.3)
        let tagMean = (own[0][0] + own[1][0]) / 2
        #expect(abs(mixed[0][0] - (0.3 * own[0][0] + 0.7 * tagMean)) < 1e-12)
        #expect(mixed[2] == own[2])   // no tags: its own label
    }

    @Test("routers are stored, survive a reopen, list and delete; bad data names its field")
    func storage() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-routers-\(UUID().uuidString).db").path
        let trained = try await train(try service(path))
        let reopened = try service(path)
        #expect(try reopened.router(named: "topics") == trained)
        #expect(try reopened.list().map(\.name) == ["topics"])
        try reopened.delete(named: "topics")
        #expect(throws: RouterError.self) { try reopened.router(named: "topics") }
        var data = TopicTask.data(count: 10, seed: 1)
        data[3].rewards["b"] = nil
        do {
            _ = try await reopened.train(name: "x", embedder: HashingEmbedder(), embedModel: "hash", pooling: "mean", normalize: true,
                                         backends: TopicTask.backends, data: data, settings: RouterTrainingSettings())
            Issue.record("expected an error")
        } catch let error as RouterError {
            #expect(error.field == "data[3].rewards")
        }
        await #expect(throws: BackendError.self) {
            _ = try await reopened.train(name: "x", embedder: HashingEmbedder(), embedModel: "hash", pooling: "mean", normalize: true,
                                         backends: ["a", "nope"], data: data, settings: RouterTrainingSettings())
        }
    }

    @Test("routing picks the likeliest backend, within maxCost, or trading against cost; calibration hits its share")
    func routing() async throws {
        let service = try service()
        let router = try await train(service)
        let queries = TopicTask.data(count: 40, seed: 77).map(\.query)
        let plain = try await service.route(router, queries: queries, embedder: HashingEmbedder(), maxCost: nil, costWeight: 0)
        for route in plain { #expect(route.choice == route.distribution.indices.max { route.distribution[$0] < route.distribution[$1] }) }
        #expect(plain.contains { $0.choice == 2 })   // topic 2 goes to the expensive backend c
        let cheap = try await service.route(router, queries: queries, embedder: HashingEmbedder(), maxCost: 5, costWeight: 0)
        #expect(cheap.allSatisfy { $0.choice != 2 })
        let calibrated = try await service.calibrate(router, queries: queries, share: 0.1, embedder: HashingEmbedder())
        #expect(calibrated.expensive == "c")
        #expect(calibrated.share <= 0.1)
        let weighted = try await service.route(router, queries: queries, embedder: HashingEmbedder(), maxCost: nil,
                                               costWeight: calibrated.costWeight)
        #expect(Double(weighted.filter { $0.choice == 2 }.count) / Double(queries.count) == calibrated.share)
    }

    @Test("route-then-generate answers from the chosen backend; a failing one errors, or falls back when asked")
    func generateWithFallback() async throws {
        let server = try ChatCompletionsServer(.echo(prefix: "echo: "))
        defer { server.stop() }
        // a and b answer; c (chosen for poetry) points at a closed port.
        let service = try service(remote: ["a": server.baseURL, "b": server.baseURL])
        let router = try await train(service)
        let poetry = [ChatMessage(role: "user", content: "poem rhyme verse story metaphor please explain the")]
        await #expect(throws: BackendError.self) {
            _ = try await service.generate(router, messages: poetry, embedder: HashingEmbedder(), maxCost: nil, costWeight: 0,
                                           fallback: false, options: GenerationOptions(maxTokens: 8))
        }
        let answered = try await service.generate(router, messages: poetry, embedder: HashingEmbedder(), maxCost: nil, costWeight: 0,
                                                  fallback: true, options: GenerationOptions(maxTokens: 8))
        #expect(answered.attempts.first?.backend == "c" && answered.attempts.first?.error != nil)
        #expect(answered.generation.backend != "c")
        #expect(answered.generation.text.hasPrefix("echo: "))
        let math = [ChatMessage(role: "user", content: "integral derivative limit matrix proof please explain the")]
        let direct = try await service.generate(router, messages: math, embedder: HashingEmbedder(), maxCost: nil, costWeight: 0,
                                                fallback: false, options: GenerationOptions(maxTokens: 8))
        #expect(direct.generation.backend == "a")
        #expect(direct.attempts.count == 1)
    }
}
