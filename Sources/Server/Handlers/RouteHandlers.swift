import Engine
import JSON
import JSONRPC
import MinosProtocol
import Routing

/// A loaded model's embeddings as a router sees them (how the router was trained to read them).
struct EngineEmbedder: QueryEmbedder {
    let model: LoadedModel
    let pooling: Pooling
    let normalize: Bool

    func embed(_ texts: [String]) async throws -> [[Float]] {
        try await model.embed(texts, pooling: pooling, normalize: normalize)
    }
}

/// `route/*`: routers trained on query embeddings (Routing's `RouterService`).
extension MinosServer {
    func registerRouteHandlers() {
        let service = RouterService(store: store, generator: BackendGenerator(engine: engine, catalog: BackendCatalog(store: store)))

        connection.register(RouteTrain.self) { [self] params, context in
            var settings = RouterTrainingSettings()
            settings.temperature = params.temperature
            settings.beta = params.beta
            settings.epochs = params.epochs
            settings.learningRate = params.learningRate
            settings.hidden = params.hidden
            settings.heldOut = params.heldOut
            settings.seed = params.seed
            let embedder = EngineEmbedder(model: try engine.model(params.embedModel), pooling: Pooling(rawValue: params.pooling) ?? .mean,
                                          normalize: params.normalize)
            context.beginProgress(title: "Training router \(params.router)", percentage: 0)
            defer { context.endProgress() }
            let router = try await service.train(
                name: params.router, embedder: embedder, embedModel: params.embedModel, pooling: params.pooling, normalize: params.normalize,
                backends: params.backends, data: params.data.map { .init(query: $0.query, rewards: $0.rewards, tags: $0.tags ?? []) },
                settings: settings,
                progress: { done, total, message in context.reportProgress(message: message, percentage: done * 100 / max(total, 1)) })
            return Self.wire(router)
        }

        connection.register(RouteList.self) { _, _ in
            RouteList.Result(routers: try service.list().map(Self.wire))
        }

        connection.register(RouteDelete.self) { params, _ in
            try service.delete(named: params.router)
            return RouteDelete.Result(deleted: params.router)
        }

        connection.register(RouteQuery.self) { [self] params, _ in
            let router = try service.router(named: params.router)
            let queries: [String]
            switch (params.query, params.queries) {
            case (let query?, nil): queries = [query]
            case (nil, let given?): queries = given
            default: throw RPCError.invalidParams("give exactly one of query and queries", path: "params")
            }
            let routes = try await service.route(router, queries: queries, embedder: try embedder(for: router), maxCost: params.maxCost,
                                                 costWeight: params.costWeight)
            return RouteQuery.Result(routes: zip(queries, routes).map { query, route in
                .init(query: query, distribution: Self.named(route.distribution, router), choice: route.choice.map { router.backends[$0] })
            })
        }

        connection.register(RouteCalibrate.self) { [self] params, _ in
            let router = try service.router(named: params.router)
            let found = try await service.calibrate(router, queries: params.queries, share: params.share, embedder: try embedder(for: router))
            return RouteCalibrate.Result(costWeight: found.costWeight, share: found.share, expensiveBackend: found.expensive)
        }

        connection.register(RouteGenerate.self) { [self] params, _ in
            let router = try service.router(named: params.router)
            let messages: [ChatMessage]
            switch (params.query, params.messages) {
            case (let query?, nil): messages = [ChatMessage(role: "user", content: query)]
            case (nil, let given?): messages = given.map(Self.message)
            default: throw RPCError.invalidParams("give exactly one of query and messages", path: "params")
            }
            var sampling = SamplingParameters()
            sampling.temperature = params.temperature
            let routed = try await service.generate(router, messages: messages, embedder: try embedder(for: router), maxCost: params.maxCost,
                                                    costWeight: params.costWeight, fallback: params.fallback,
                                                    options: GenerationOptions(sampling: sampling, maxTokens: params.maxTokens))
            let g = routed.generation
            return RouteGenerate.Result(backend: g.backend, text: g.text, distribution: Self.named(routed.distribution, router),
                                        promptTokens: g.promptTokens ?? 0, completionTokens: g.completionTokens ?? 0, cost: g.cost ?? 0,
                                        attempts: routed.attempts.map { .init(backend: $0.backend, error: $0.error) })
        }
    }

    /// The router's embedding model, loaded, read as it was in training.
    private func embedder(for router: Router) throws -> EngineEmbedder {
        EngineEmbedder(model: try engine.model(router.embedModel), pooling: Pooling(rawValue: router.pooling) ?? .mean,
                       normalize: router.normalize)
    }

    static func named(_ p: [Double], _ router: Router) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(router.backends, p))
    }

    static func wire(_ r: Router) -> RouteWire.Router {
        RouteWire.Router(name: r.name, backends: r.backends, embedModel: r.embedModel, dimension: r.dimension, hidden: r.hidden,
                         metrics: r.metrics.map {
                             .init(trainExamples: $0.trainExamples, heldOutExamples: $0.heldOutExamples, accuracy: $0.accuracy,
                                   routedReward: $0.routedReward, bestSingleReward: $0.bestSingleReward,
                                   bestSingleBackend: $0.bestSingleBackend, oracleReward: $0.oracleReward, finalLoss: $0.finalLoss)
                         })
    }
}
