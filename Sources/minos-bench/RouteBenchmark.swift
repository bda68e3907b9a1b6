import ArgumentParser
import Dispatch
import Engine
import Foundation
import Kernels
import Routing

/// `minos-bench route`: queries/s for routing — embedding a short query with a small encoder and
/// applying a trained router head — one query per call and in batches.
struct RouteBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Routing latency: embed a short query with a small encoder and apply a router head (ms per query, queries/s).")

    @Option(help: "Encoder GGUF instead of the synthetic MiniLM-L6-shaped one.")
    var model: String?

    @Option(help: "Weight encoding of the synthetic encoder.")
    var type: String = "f16"

    @Option(help: "Worker threads.")
    var threads: Int = 2

    @Option(help: "Backends the router chooses among.")
    var backends: Int = 4

    @Option(help: "Hidden units of the router head (0: linear).")
    var hidden: Int = 64

    @Option(help: "Words per query.")
    var words: Int = 8

    @Option(help: "Queries per measurement.")
    var queries: Int = 200

    func run() async throws {
        guard threads > 0, backends >= 2, queries > 0, hidden >= 0, words > 0 else { throw ValidationError("bad options") }
        let path = try model ?? EmbedBenchmark.syntheticEncoder(type: type)
        defer { if model == nil { try? FileManager.default.removeItem(atPath: path) } }
        let engine = Engine(threads: threads, memoryLimit: nil)
        let loaded = try await engine.load(path: path, name: nil, contextLength: nil) { _, _ in }
        let c = loaded.configuration
        let vocabulary = ["integral", "poem", "compile", "protein", "matrix", "story", "loop", "enzyme", "limit", "verse", "array", "cell"]
        var rng = SplitMix64(seed: 11)
        let corpus = (0..<queries).map { _ in (0..<words).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }.joined(separator: " ") }
        let tokenCounts = corpus.prefix(16).map { loaded.tokenizer.encode($0).count }

        // A router trained briefly on the encoder's own embeddings of labelled queries.
        let names = (0..<backends).map { "backend\($0)" }
        let training = try await loaded.embed(corpus)
        let examples = training.enumerated().map { index, embedding in
            RouterExample(embedding: embedding, rewards: names.indices.map { Double((index * 3 + $0 * 5) % 7) / 7 })
        }
        var settings = RouterTrainingSettings()
        settings.hidden = hidden
        settings.epochs = 5
        let router = try RouterTrainer.train(name: "bench", backends: names, embedModel: "encoder", pooling: "mean", normalize: true,
                                             examples: examples, settings: settings)
        let costs = names.indices.map { Double($0 + 1) }

        print("minos-bench route: \(model ?? "synthetic MiniLM-L6 shape (\(type))")")
        print("\(c.architecture), \(c.blockCount) layers, width \(c.embeddingLength); queries of \(tokenCounts.min() ?? 0)-\(tokenCounts.max() ?? 0) tokens; "
              + "router: \(backends) backends, \(hidden == 0 ? "linear" : "\(hidden) hidden units"); threads \(threads); CPU path \(Engine.kernelPath.active)")
        _ = try await loaded.embed(Array(corpus.prefix(4)))
        print("")
        print("| queries per call | ms per query | queries/s | of which the router head (µs per query) |")
        print("| --- | --- | --- | --- |")
        for batch in [1, 8, 32] {
            var headNanos: UInt64 = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var done = 0
            while done < corpus.count {
                let slice = Array(corpus[done..<min(done + batch, corpus.count)])
                let embeddings = try await loaded.embed(slice)
                let headStart = DispatchTime.now().uptimeNanoseconds
                for embedding in embeddings {
                    _ = RouteChoice.choose(router.distribution(embedding), costs: costs, costWeight: 0.1)
                }
                headNanos += DispatchTime.now().uptimeNanoseconds - headStart
                done += slice.count
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "| %d | %.2f | %.0f | %.1f |", batch, seconds * 1000 / Double(done), Double(done) / seconds,
                         Double(headNanos) / 1000 / Double(done)))
        }
    }
}
