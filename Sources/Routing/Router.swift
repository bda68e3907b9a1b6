import Foundation
import Kernels

/// A trained router: a small head over query embeddings giving a distribution over backends, as
/// Zooter trains it (a reward-distilled softmax; linear, or one hidden ReLU layer).
package struct Router: Codable, Sendable, Equatable {
    package var name: String
    /// The backends, in the order of the distribution.
    package var backends: [String]
    /// The model that embeds queries, and how (the router only works on the embeddings it was
    /// trained on).
    package var embedModel: String
    package var pooling: String
    package var normalize: Bool
    package var dimension: Int
    /// Hidden units (0: a linear head).
    package var hidden: Int
    /// [hidden × dimension] and [hidden] when hidden > 0.
    package var w1: [Float]
    package var b1: [Float]
    /// [backends × (hidden or dimension)] and [backends].
    package var w2: [Float]
    package var b2: [Float]
    package var metrics: RouterMetrics?

    /// The distribution over `backends` for one query embedding.
    package func distribution(_ x: [Float]) -> [Double] {
        softmax(logits(x).map(Double.init))
    }

    func logits(_ x: [Float]) -> [Float] {
        precondition(x.count == dimension, "embedding of \(x.count) values for a router trained on \(dimension)")
        let input: [Float]
        if hidden > 0 {
            input = (0..<hidden).map { h in max(0, dot(w1, h * dimension, x) + b1[h]) }
        } else {
            input = x
        }
        let width = input.count
        return (0..<backends.count).map { k in dot(w2, k * width, input) + b2[k] }
    }
}

/// What training reports, measured on the held-out examples.
package struct RouterMetrics: Codable, Sendable, Equatable {
    package var trainExamples: Int
    package var heldOutExamples: Int
    /// Share of held-out queries routed to their best-reward backend.
    package var accuracy: Double
    /// Mean reward of the routed backend, of the best single backend (and which), and of the
    /// oracle (each query's best).
    package var routedReward: Double
    package var bestSingleReward: Double
    package var bestSingleBackend: String
    package var oracleReward: Double
    /// The training loss (KL divergence to the reward labels) after the last epoch.
    package var finalLoss: Double
}

/// How to train a router.
package struct RouterTrainingSettings: Codable, Sendable, Equatable {
    /// Temperature of the softmax that turns rewards into labels.
    package var temperature: Double = 1
    /// Tag enhancement: label = beta · own label + (1 − beta) · mean label of the query's tags (1: off).
    package var beta: Double = 0.3
    package var epochs: Int = 50
    package var learningRate: Double = 0.01
    package var hidden: Int = 0
    package var batchSize: Int = 32
    /// Share of examples held out for the metrics.
    package var heldOut: Double = 0.2
    package var seed: UInt64 = 1

    package init() {}

    package func problem() -> (field: String, message: String)? {
        if !(temperature > 0) { return ("temperature", "must be above 0") }
        if !(beta >= 0 && beta <= 1) { return ("beta", "must be in [0, 1]") }
        if epochs < 1 { return ("epochs", "must be at least 1") }
        if !(learningRate > 0) { return ("learningRate", "must be above 0") }
        if hidden < 0 { return ("hidden", "must not be negative") }
        if !(heldOut >= 0 && heldOut < 1) { return ("heldOut", "must be in [0, 1)") }
        return nil
    }
}

/// One training example: a query's embedding, each backend's reward (in `Router.backends` order)
/// and its tags.
package struct RouterExample: Sendable {
    package var embedding: [Float]
    package var rewards: [Double]
    package var tags: [String]
    package init(embedding: [Float], rewards: [Double], tags: [String] = []) {
        self.embedding = embedding
        self.rewards = rewards
        self.tags = tags
    }
}

package struct RouterTrainingError: Error, Sendable, CustomStringConvertible {
    package var field: String
    package var message: String
    package var description: String { "\(field): \(message)" }
}

/// Zooter's reward distillation: the head is trained with Adam to minimise the KL divergence from
/// each query's reward label (softmax of its rewards at `temperature`, optionally mixed with its
/// tags' mean labels) to the head's softmax. Deterministic for a seed.
package enum RouterTrainer {
    /// The labels: softmax(rewards / temperature), then tag-enhanced.
    package static func labels(_ examples: [RouterExample], temperature: Double, beta: Double) -> [[Double]] {
        let own = examples.map { softmax($0.rewards.map { $0 / temperature }) }
        guard beta < 1 else { return own }
        var sums: [String: (sum: [Double], count: Int)] = [:]
        for (example, label) in zip(examples, own) {
            for tag in Set(example.tags) {
                var entry = sums[tag] ?? (Array(repeating: 0, count: label.count), 0)
                for k in label.indices { entry.sum[k] += label[k] }
                entry.count += 1
                sums[tag] = entry
            }
        }
        return zip(examples, own).map { example, label in
            let tags = Set(example.tags).compactMap { sums[$0] }
            guard !tags.isEmpty else { return label }
            var tagMean = [Double](repeating: 0, count: label.count)
            for entry in tags { for k in label.indices { tagMean[k] += entry.sum[k] / Double(entry.count) / Double(tags.count) } }
            return label.indices.map { beta * label[$0] + (1 - beta) * tagMean[$0] }
        }
    }

    /// Trains a router on `examples` (held-out share kept aside for the metrics, chosen by the
    /// seed). `progress` gets each epoch's mean training loss; `cancelled` is checked between
    /// epochs.
    package static func train(name: String, backends: [String], embedModel: String, pooling: String, normalize: Bool,
                             examples: [RouterExample], settings: RouterTrainingSettings,
                             progress: (_ epoch: Int, _ loss: Double) -> Void = { _, _ in },
                             cancelled: () -> Bool = { false }) throws -> Router {
        if let problem = settings.problem() { throw RouterTrainingError(field: problem.field, message: problem.message) }
        guard backends.count >= 2 else { throw RouterTrainingError(field: "backends", message: "give at least two backends") }
        guard let dimension = examples.first?.embedding.count, dimension > 0 else {
            throw RouterTrainingError(field: "data", message: "give at least one example")
        }
        for (index, example) in examples.enumerated() where example.rewards.count != backends.count || example.embedding.count != dimension {
            throw RouterTrainingError(field: "data[\(index)]", message: "needs a reward for every backend")
        }
        var rng = SplitMix64(seed: settings.seed)
        var order = Array(examples.indices)
        order.shuffle(using: &rng)
        let heldOutCount = examples.count >= 5 ? Int((Double(examples.count) * settings.heldOut).rounded()) : 0
        let heldOut = Array(order.prefix(heldOutCount)).map { examples[$0] }
        let training = Array(order.dropFirst(heldOutCount)).map { examples[$0] }
        guard !training.isEmpty else { throw RouterTrainingError(field: "data", message: "nothing is left to train on") }
        let labels = Self.labels(training, temperature: settings.temperature, beta: settings.beta)

        var model = Router(name: name, backends: backends, embedModel: embedModel, pooling: pooling, normalize: normalize,
                           dimension: dimension, hidden: settings.hidden, w1: [], b1: [], w2: [], b2: [], metrics: nil)
        let width = settings.hidden > 0 ? settings.hidden : dimension
        if settings.hidden > 0 {
            model.w1 = initialWeights(settings.hidden * dimension, fanIn: dimension, fanOut: settings.hidden, &rng)
            model.b1 = Array(repeating: 0, count: settings.hidden)
        }
        model.w2 = initialWeights(backends.count * width, fanIn: width, fanOut: backends.count, &rng)
        model.b2 = Array(repeating: 0, count: backends.count)

        var adam = Adam(sizes: [model.w1.count, model.b1.count, model.w2.count, model.b2.count], rate: settings.learningRate)
        var loss = 0.0
        var batchOrder = Array(training.indices)
        for epoch in 1...settings.epochs {
            if cancelled() { throw CancellationError() }
            batchOrder.shuffle(using: &rng)
            loss = 0
            for start in stride(from: 0, to: batchOrder.count, by: settings.batchSize) {
                let batch = batchOrder[start..<min(start + settings.batchSize, batchOrder.count)]
                var gradients = [model.w1, model.b1, model.w2, model.b2].map { [Double](repeating: 0, count: $0.count) }
                for i in batch {
                    loss += accumulate(model, training[i].embedding, labels[i], into: &gradients) / Double(batchOrder.count)
                }
                let scale = 1 / Double(batch.count)
                adam.step(&model, gradients.map { $0.map { $0 * scale } })
            }
            progress(epoch, loss)
        }
        model.metrics = metrics(model, heldOut.isEmpty ? training : heldOut, trainCount: training.count, heldOutCount: heldOut.count,
                                finalLoss: loss)
        return model
    }

    /// Adds one example's gradients of KL(label ‖ softmax(z)) to `g`; returns its loss.
    private static func accumulate(_ m: Router, _ x: [Float], _ label: [Double], into g: inout [[Double]]) -> Double {
        let d = m.dimension, h = m.hidden
        var hiddenOut: [Float] = x
        if h > 0 {
            hiddenOut = (0..<h).map { j in max(0, dot(m.w1, j * d, x) + m.b1[j]) }
        }
        let width = hiddenOut.count
        let z = (0..<m.backends.count).map { k in Double(dot(m.w2, k * width, hiddenOut) + m.b2[k]) }
        let p = softmax(z)
        var loss = 0.0
        for k in label.indices where label[k] > 0 { loss += label[k] * (log(label[k]) - log(max(p[k], 1e-300))) }
        let dz = zip(p, label).map { $0 - $1 }
        var dHidden = [Double](repeating: 0, count: width)
        for k in dz.indices {
            g[3][k] += dz[k]
            for j in 0..<width {
                g[2][k * width + j] += dz[k] * Double(hiddenOut[j])
                dHidden[j] += dz[k] * Double(m.w2[k * width + j])
            }
        }
        if h > 0 {
            for j in 0..<h where hiddenOut[j] > 0 {
                g[1][j] += dHidden[j]
                for i in 0..<d { g[0][j * d + i] += dHidden[j] * Double(x[i]) }
            }
        }
        return loss
    }

    /// Accuracy and rewards of routing `examples` by the model's top choice.
    static func metrics(_ m: Router, _ examples: [RouterExample], trainCount: Int, heldOutCount: Int, finalLoss: Double) -> RouterMetrics {
        let n = Double(max(examples.count, 1))
        var correct = 0.0, routed = 0.0, oracle = 0.0
        var perBackend = [Double](repeating: 0, count: m.backends.count)
        for example in examples {
            let choice = argmax(m.distribution(example.embedding))
            let best = argmax(example.rewards)
            if example.rewards[choice] == example.rewards[best] { correct += 1 }
            routed += example.rewards[choice]
            oracle += example.rewards[best]
            for k in perBackend.indices { perBackend[k] += example.rewards[k] }
        }
        let bestSingle = argmax(perBackend)
        return RouterMetrics(trainExamples: trainCount, heldOutExamples: heldOutCount, accuracy: correct / n, routedReward: routed / n,
                             bestSingleReward: perBackend[bestSingle] / n, bestSingleBackend: m.backends[bestSingle],
                             oracleReward: oracle / n, finalLoss: finalLoss)
    }

    private static func initialWeights(_ count: Int, fanIn: Int, fanOut: Int, _ rng: inout SplitMix64) -> [Float] {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        return (0..<count).map { _ in (rng.unit() * 2 - 1) * limit }
    }
}

/// Adam over the router's four parameter arrays.
private struct Adam {
    var m: [[Double]]
    var v: [[Double]]
    var t = 0
    let rate: Double
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    init(sizes: [Int], rate: Double) {
        m = sizes.map { [Double](repeating: 0, count: $0) }
        v = m
        self.rate = rate
    }

    mutating func step(_ model: inout Router, _ g: [[Double]]) {
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        func update(_ p: inout [Float], _ index: Int) {
            for i in p.indices {
                m[index][i] = beta1 * m[index][i] + (1 - beta1) * g[index][i]
                v[index][i] = beta2 * v[index][i] + (1 - beta2) * g[index][i] * g[index][i]
                p[i] -= Float(rate * (m[index][i] / c1) / ((v[index][i] / c2).squareRoot() + epsilon))
            }
        }
        update(&model.w1, 0)
        update(&model.b1, 1)
        update(&model.w2, 2)
        update(&model.b2, 3)
    }
}

/// Picking a backend from a router's distribution, optionally trading reward against cost.
package enum RouteChoice {
    /// The backend index to use: the most likely among those costing at most `maxCost`, or, with
    /// `costWeight` λ > 0, the one maximising p(b) − λ · cost(b) / max cost. Nil when no backend
    /// is affordable.
    package static func choose(_ p: [Double], costs: [Double], maxCost: Double? = nil, costWeight: Double = 0) -> Int? {
        let top = costs.max() ?? 0
        var best: (index: Int, score: Double)?
        for k in p.indices where maxCost.map({ costs[k] <= $0 }) ?? true {
            let score = p[k] - (top > 0 ? costWeight * costs[k] / top : 0)
            if best.map({ score > $0.score }) ?? true { best = (k, score) }
        }
        return best?.index
    }

    /// The cost weight λ under which the most expensive backend gets `share` of `distributions`
    /// (as RouteLLM calibrates its threshold on sample queries): found by bisection, since the
    /// share only falls as λ grows.
    package static func calibrate(_ distributions: [[Double]], costs: [Double], share: Double) -> (costWeight: Double, share: Double) {
        guard let expensive = costs.indices.max(by: { costs[$0] < costs[$1] }), !distributions.isEmpty else { return (0, 0) }
        func shareAt(_ lambda: Double) -> Double {
            Double(distributions.filter { choose($0, costs: costs, costWeight: lambda) == expensive }.count) / Double(distributions.count)
        }
        var low = 0.0, high = 1.0
        while shareAt(high) > share && high < 1e6 { high *= 2 }
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if shareAt(mid) > share { low = mid } else { high = mid }
        }
        return (high, shareAt(high))
    }
}

func softmax(_ z: [Double]) -> [Double] {
    let maximum = z.max() ?? 0
    let e = z.map { exp($0 - maximum) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
}

func argmax(_ x: [Double]) -> Int {
    var best = 0
    for i in x.indices where x[i] > x[best] { best = i }
    return best
}

@inline(__always)
func dot(_ w: [Float], _ offset: Int, _ x: [Float]) -> Float {
    var s: Float = 0
    for i in x.indices { s += w[offset + i] * x[i] }
    return s
}
