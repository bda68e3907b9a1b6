import JSON
import JSONRPC

/// Shapes shared by the `route/*` methods.
public enum RouteWire {
    public struct Metrics: Codable, Sendable {
        public var trainExamples: Int
        public var heldOutExamples: Int
        public var accuracy: Double
        public var routedReward: Double
        public var bestSingleReward: Double
        public var bestSingleBackend: String
        public var oracleReward: Double
        public var finalLoss: Double
        public init(trainExamples: Int, heldOutExamples: Int, accuracy: Double, routedReward: Double, bestSingleReward: Double,
                    bestSingleBackend: String, oracleReward: Double, finalLoss: Double) {
            self.trainExamples = trainExamples
            self.heldOutExamples = heldOutExamples
            self.accuracy = accuracy
            self.routedReward = routedReward
            self.bestSingleReward = bestSingleReward
            self.bestSingleBackend = bestSingleBackend
            self.oracleReward = oracleReward
            self.finalLoss = finalLoss
        }
    }

    public struct Router: Codable, Sendable {
        public var name: String
        public var backends: [String]
        public var embedModel: String
        public var dimension: Int
        public var hidden: Int
        public var metrics: Metrics?
        public init(name: String, backends: [String], embedModel: String, dimension: Int, hidden: Int, metrics: Metrics?) {
            self.name = name
            self.backends = backends
            self.embedModel = embedModel
            self.dimension = dimension
            self.hidden = hidden
            self.metrics = metrics
        }
    }

    public struct Example: Codable, Sendable {
        public var query: String
        public var rewards: [String: Double]
        public var tags: [String]?
    }

    static let router = ParamDoc("router", "The router's name.", Schema.string, required: true)
    static let metricsSchema = Schema.object([
        "trainExamples": Schema.integer, "heldOutExamples": Schema.integer, "accuracy": Schema.number, "routedReward": Schema.number,
        "bestSingleReward": Schema.number, "bestSingleBackend": Schema.string, "oracleReward": Schema.number, "finalLoss": Schema.number,
    ], required: ["trainExamples", "heldOutExamples", "accuracy", "routedReward", "bestSingleReward", "bestSingleBackend",
                  "oracleReward", "finalLoss"])
    static let routerSchema = Schema.object([
        "name": Schema.string, "backends": Schema.array(Schema.string), "embedModel": Schema.string, "dimension": Schema.integer,
        "hidden": Schema.integer, "metrics": metricsSchema,
    ], required: ["name", "backends", "embedModel", "dimension", "hidden"])
    static let maxCost = ParamDoc("maxCost", "Only backends costing at most this per 1k tokens.", ["type": "number", "minimum": 0])
    static let costWeight = ParamDoc("costWeight", "Trade probability against cost: choose the backend maximising p − costWeight × cost / the highest cost (route/calibrate finds one).",
                                     ["type": "number", "minimum": 0, "maximum": 1_000_000], default: 0)
}

/// `route/train`: embeds each example's query with `embedModel` and trains a router head over the
/// backends with Zooter's reward distillation (KL divergence to the softmax of the rewards at
/// `temperature`, tag-enhanced with `beta`), holding out a share of the examples for the metrics:
/// accuracy against each query's best backend, and the mean reward of the routed choice against the
/// best single backend and the oracle. Deterministic for a seed; progress per epoch; cancellable.
/// The router is stored and survives restarts.
public enum RouteTrain: RPCMethod, DocumentedMethod {
    public static let name = "route/train"
    public static let summary = "Trains a router (Zooter's reward distillation) over backends on query embeddings, and stores it."

    public struct Params: Codable, Sendable {
        public var router: String
        public var embedModel: String
        public var pooling: String
        public var normalize: Bool
        public var backends: [String]
        public var data: [RouteWire.Example]
        public var temperature: Double
        public var beta: Double
        public var epochs: Int
        public var learningRate: Double
        public var hidden: Int
        public var heldOut: Double
        public var seed: UInt64
    }
    public typealias Result = RouteWire.Router

    public static let params = [
        RouteWire.router,
        ParamDoc("embedModel", "The loaded model that embeds queries (an encoder, or a decoder mean-pooled).", Schema.string, required: true),
        ParamDoc("pooling", "mean, cls or last.", Schema.enumeration(["mean", "cls", "last"]), default: "mean"),
        ParamDoc("normalize", "L2-normalize the embeddings.", Schema.boolean, default: true),
        ParamDoc("backends", "The backends routed among (at least two), as backend/add named them.", Schema.array(Schema.string), required: true),
        ParamDoc("data", "Training examples: {query, rewards: {backend: number}, tags?}; every backend needs a reward.",
                 ["type": "array", "minItems": 1, "maxItems": 100_000,
                  "items": Schema.object(["query": Schema.string, "rewards": ["type": "object", "additionalProperties": Schema.number],
                                          "tags": Schema.array(Schema.string)], required: ["query", "rewards"])], required: true),
        ParamDoc("temperature", "Softmax temperature turning rewards into labels.", ["type": "number", "exclusiveMinimum": 0, "maximum": 1000], default: 1),
        ParamDoc("beta", "Tag enhancement: beta × own label + (1 − beta) × the tags' mean label (1: off).",
                 ["type": "number", "minimum": 0, "maximum": 1], default: 0.3),
        ParamDoc("epochs", "Passes over the training examples.", Schema.integer(minimum: 1, maximum: 10_000), default: 50),
        ParamDoc("learningRate", "Adam's learning rate.", ["type": "number", "exclusiveMinimum": 0, "maximum": 10], default: 0.01),
        ParamDoc("hidden", "Hidden ReLU units (0: a linear head).", Schema.integer(minimum: 0, maximum: 4096), default: 0),
        ParamDoc("heldOut", "Share of examples held out for the metrics.", ["type": "number", "minimum": 0, "maximum": 0.9], default: 0.2),
        ParamDoc("seed", "Random seed: same seed and data, same router.", Schema.integer(minimum: 0), default: 1),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = RouteWire.routerSchema
    public static let errors: [ErrorCode] = [.modelNotLoaded, .notFound]
}

/// `route/list`: the stored routers with their training metrics.
public enum RouteList: RPCMethod, DocumentedMethod {
    public static let name = "route/list"
    public static let summary = "Lists the stored routers with their held-out metrics."
    public struct Params: Codable, Sendable {}
    public struct Result: Codable, Sendable {
        public var routers: [RouteWire.Router]
        public init(routers: [RouteWire.Router]) { self.routers = routers }
    }
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object(["routers": Schema.array(RouteWire.routerSchema)], required: ["routers"])
}

/// `route/delete`: deletes a stored router.
public enum RouteDelete: RPCMethod, DocumentedMethod {
    public static let name = "route/delete"
    public static let summary = "Deletes a stored router."
    public struct Params: Codable, Sendable {
        public var router: String
    }
    public struct Result: Codable, Sendable {
        public var deleted: String
        public init(deleted: String) { self.deleted = deleted }
    }
    public static let params = [RouteWire.router]
    public static let resultSchema: JSONValue? = Schema.object(["deleted": Schema.string], required: ["deleted"])
    public static let errors: [ErrorCode] = [.notFound]
}

/// `route/query`: the router's distribution over its backends for each query, and its choice
/// (the most likely backend; with `maxCost` among affordable ones; with `costWeight`, trading
/// probability against cost).
public enum RouteQuery: RPCMethod, DocumentedMethod {
    public static let name = "route/query"
    public static let summary = "Routes queries: the distribution over backends and the choice, optionally cost-aware."
    public struct Params: Codable, Sendable {
        public var router: String
        public var query: String?
        public var queries: [String]?
        public var maxCost: Double?
        public var costWeight: Double
    }
    public struct Result: Codable, Sendable {
        public struct Route: Codable, Sendable {
            public var query: String
            public var distribution: [String: Double]
            public var choice: String?
            public init(query: String, distribution: [String: Double], choice: String?) {
                self.query = query
                self.distribution = distribution
                self.choice = choice
            }
        }
        public var routes: [Route]
        public init(routes: [Route]) { self.routes = routes }
    }
    public static let params = [
        RouteWire.router,
        ParamDoc("query", "One query.", Schema.string),
        ParamDoc("queries", "Several queries (instead of query).", ["type": "array", "items": Schema.string, "maxItems": 10_000]),
        RouteWire.maxCost,
        RouteWire.costWeight,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "routes": Schema.array(Schema.object([
            "query": Schema.string, "distribution": ["type": "object", "additionalProperties": Schema.number], "choice": Schema.string,
        ], required: ["query", "distribution"])),
    ], required: ["routes"])
    public static let errors: [ErrorCode] = [.notFound, .modelNotLoaded]
}

/// `route/calibrate`: the `costWeight` under which the most expensive backend gets `share` of the
/// given sample queries (as RouteLLM calibrates its threshold).
public enum RouteCalibrate: RPCMethod, DocumentedMethod {
    public static let name = "route/calibrate"
    public static let summary = "Finds the cost weight that sends a target share of sample queries to the most expensive backend."
    public struct Params: Codable, Sendable {
        public var router: String
        public var queries: [String]
        public var share: Double
    }
    public struct Result: Codable, Sendable {
        public var costWeight: Double
        public var share: Double
        public var expensiveBackend: String
        public init(costWeight: Double, share: Double, expensiveBackend: String) {
            self.costWeight = costWeight
            self.share = share
            self.expensiveBackend = expensiveBackend
        }
    }
    public static let params = [
        RouteWire.router,
        ParamDoc("queries", "Sample queries, like those to be routed.", ["type": "array", "items": Schema.string, "minItems": 1, "maxItems": 100_000],
                 required: true),
        ParamDoc("share", "Target share of calls to the most expensive backend.", ["type": "number", "minimum": 0, "maximum": 1], required: true),
    ]
    public static let resultSchema: JSONValue? = Schema.object(["costWeight": Schema.number, "share": Schema.number, "expensiveBackend": Schema.string],
                                                               required: ["costWeight", "share", "expensiveBackend"])
    public static let errors: [ErrorCode] = [.notFound, .modelNotLoaded]
}

/// `route/generate`: routes a query and generates on the chosen backend, saying which answered.
/// A remote backend that fails or times out is an error (-33012), or, with `fallback`, the next
/// choice is tried; `attempts` lists every backend tried and why it failed.
public enum RouteGenerate: RPCMethod, DocumentedMethod {
    public static let name = "route/generate"
    public static let summary = "Routes a query and generates on the chosen backend (local model or remote endpoint)."
    public struct Params: Codable, Sendable {
        public var router: String
        public var query: String?
        public var messages: [ChatWireMessage]?
        public var maxCost: Double?
        public var costWeight: Double
        public var fallback: Bool
        public var maxTokens: Int
        public var temperature: Double
    }
    public struct Result: Codable, Sendable {
        public struct Attempt: Codable, Sendable {
            public var backend: String
            public var error: String?
            public init(backend: String, error: String?) {
                self.backend = backend
                self.error = error
            }
        }
        public var backend: String
        public var text: String
        public var distribution: [String: Double]
        public var promptTokens: Int
        public var completionTokens: Int
        public var cost: Double
        public var attempts: [Attempt]
        public init(backend: String, text: String, distribution: [String: Double], promptTokens: Int, completionTokens: Int, cost: Double,
                    attempts: [Attempt]) {
            self.backend = backend
            self.text = text
            self.distribution = distribution
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.cost = cost
            self.attempts = attempts
        }
    }
    public static let params = [
        RouteWire.router,
        ParamDoc("query", "The query (sent as one user message).", Schema.string),
        ParamDoc("messages", "Chat messages instead of query; the last user message is what is routed.", TextGenerate.messagesSchema),
        RouteWire.maxCost,
        RouteWire.costWeight,
        ParamDoc("fallback", "When the chosen backend fails, try the next most likely.", Schema.boolean, default: false),
        ParamDoc("maxTokens", "Most tokens to generate.", Schema.integer(minimum: 1, maximum: 100_000), default: 256),
        ParamDoc("temperature", "Sampling temperature.", ["type": "number", "minimum": 0, "maximum": 2], default: 0.8),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "backend": Schema.string, "text": Schema.string, "distribution": ["type": "object", "additionalProperties": Schema.number],
        "promptTokens": Schema.integer, "completionTokens": Schema.integer, "cost": Schema.number,
        "attempts": Schema.array(Schema.object(["backend": Schema.string, "error": Schema.string], required: ["backend"])),
    ], required: ["backend", "text", "distribution", "promptTokens", "completionTokens", "cost", "attempts"])
    public static let errors: [ErrorCode] = [.notFound, .modelNotLoaded, .backendFailed]
}
