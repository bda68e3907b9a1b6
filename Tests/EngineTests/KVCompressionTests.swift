@testable import Engine
import Foundation
import Models
import Testing

/// KV-cache compression at prefill: the budget arithmetic (hand-computed plans), pooling and
/// top-k, and compression on synthetic models checked against an uncompressed cache and against a
/// naive recomputation of the selection written here.
@Suite("KV compression budget plan")
struct KVCompressionPlanTests {
    private func pyramid(budget: Int, window: Int, beta: Int = 20) -> KVCompression {
        KVCompression(method: .pyramid, budget: budget, window: window, beta: beta)
    }

    // B = 20, m = 20 / 20 = 1, M = 40 − 1 = 39; step 38/3: exact 39, 26.33, 13.67, 1 (sum 80).
    // Floors 39, 26, 13, 1 leave 1 over; fractions 0, 1/3, 2/3, 0 give it to layer 2.
    @Test("pyramid, 4 layers, budget 24, window 4: 39, 26, 14, 1 besides the window")
    func fourLayers() {
        let plan = pyramid(budget: 24, window: 4).plan(layers: 4, promptTokens: 200)
        #expect(plan == KVCompressionPlan(applied: .pyramid, kept: [43, 30, 18, 5]))
        #expect(plan.kept.reduce(0, +) == 4 * 24)
    }

    // Step 38/4 = 9.5: exact 39, 29.5, 20, 10.5, 1 (sum 100); floors leave 1 over, layers 1 and 3
    // tie at one half and the lower layer gets it.
    @Test("pyramid, 5 layers: a tie in the rounding goes to the lower layer")
    func fiveLayersTie() {
        let plan = pyramid(budget: 24, window: 4).plan(layers: 5, promptTokens: 200)
        #expect(plan.kept == [43, 34, 24, 14, 5])
        #expect(plan.kept.reduce(0, +) == 5 * 24)
    }

    // Step 38/6: exact 39, 32.67, 26.33, 20, 13.67, 7.33, 1 (sum 140); floors sum to 138, the two
    // left over go to the largest fractions (2/3, layers 1 and 4).
    @Test("pyramid, 7 layers: two left-over entries go to the largest fractions")
    func sevenLayers() {
        let plan = pyramid(budget: 24, window: 4).plan(layers: 7, promptTokens: 200)
        #expect(plan.kept == [43, 37, 30, 24, 18, 11, 5])
        #expect(plan.kept.reduce(0, +) == 7 * 24)
    }

    // B = 10 < beta: m = 0, M = 20; exact 20, 13.33, 6.67, 0; the top layer keeps the window only.
    @Test("pyramid with a budget below beta: the top layer keeps only the window")
    func topKeepsWindow() {
        let plan = pyramid(budget: 14, window: 4).plan(layers: 4, promptTokens: 100)
        #expect(plan.kept == [24, 17, 11, 4])
    }

    @Test("pyramid with one layer keeps the budget")
    func oneLayer() {
        #expect(pyramid(budget: 24, window: 4).plan(layers: 1, promptTokens: 100) == KVCompressionPlan(applied: .pyramid, kept: [24]))
    }

    @Test("a prompt shorter than 2B + window falls back to snap; from there on the pyramid applies")
    func shortPromptFallsBack() {
        let settings = pyramid(budget: 24, window: 4)   // 2B + window = 44
        #expect(settings.plan(layers: 4, promptTokens: 43) == KVCompressionPlan(applied: .snap, kept: [24, 24, 24, 24]))
        #expect(settings.plan(layers: 4, promptTokens: 44).applied == .pyramid)
    }

    @Test("a prompt within the budget, or method none, drops nothing", arguments: KVCompression.Method.allCases)
    func withinBudget(method: KVCompression.Method) {
        let settings = KVCompression(method: method, budget: 24, window: 4)
        #expect(settings.plan(layers: 3, promptTokens: 24) == KVCompressionPlan(applied: .none, kept: [24, 24, 24]))
        #expect(settings.plan(layers: 3, promptTokens: 10) == KVCompressionPlan(applied: .none, kept: [10, 10, 10]))
        let longer = settings.plan(layers: 3, promptTokens: 25)
        #expect(longer.applied == (method == .pyramid ? .snap : method))
        #expect(longer.kept == (method == .none ? [25, 25, 25] : [24, 24, 24]))
    }

    @Test("pyramid plans sum to layers × budget, shrink upwards, span M..m and fit the prompt",
          arguments: [(2, 40, 8, 20), (3, 128, 8, 20), (24, 128, 8, 20), (30, 64, 8, 5), (12, 512, 16, 20), (9, 33, 32, 1)])
    func pyramidInvariants(layers: Int, budget: Int, window: Int, beta: Int) {
        let settings = pyramid(budget: budget, window: window, beta: beta)
        let B = budget - window
        for n in [2 * B + window, 2 * B + window + 1, 5 * budget] {
            let plan = settings.plan(layers: layers, promptTokens: n)
            #expect(plan.applied == .pyramid)
            #expect(plan.kept.reduce(0, +) == layers * budget)
            #expect(zip(plan.kept, plan.kept.dropFirst()).allSatisfy { $0 >= $1 }, "\(plan.kept)")
            #expect(plan.kept.first == 2 * B - B / beta + window)
            #expect(plan.kept.last == B / beta + window)
            #expect(plan.kept.allSatisfy { $0 <= n })
        }
    }

    @Test("invalid settings name their field",
          arguments: [(KVCompression(window: 0), "window"), (KVCompression(budget: 8, window: 8), "budget"),
                      (KVCompression(kernel: 4), "kernel"), (KVCompression(kernel: -1), "kernel"), (KVCompression(beta: 0), "beta")])
    func invalid(settings: KVCompression, field: String) {
        #expect(settings.problem()?.field == field)
    }

    @Test("the defaults are valid: budget 128, window 8, kernel 7, avg pooling, beta 20")
    func defaults() {
        let settings = KVCompression()
        #expect(settings.problem() == nil)
        #expect(settings.budget == 128 && settings.window == 8 && settings.kernel == 7 && settings.beta == 20)
        #expect(settings.pooling == .avg && settings.method == .none)
    }

    @Test("pooling: avg divides by the kernel at the ends (zero padding), max looks inside only")
    func pooling() {
        let scores: [Float] = [3, 0, 0, 0, 6]
        #expect(KVCompression.pool(scores, kernel: 3, pooling: .avg) == [1, 1, 0, 2, 2])
        #expect(KVCompression.pool(scores, kernel: 3, pooling: .max) == [3, 3, 0, 6, 6])
        #expect(KVCompression.pool(scores, kernel: 1, pooling: .avg) == scores)
    }

    @Test("top-k returns ascending indices, the lower index first on a tie")
    func topK() {
        #expect(KVCompression.top(2, of: [1, 5, 0, 5, 4]) == [1, 3])
        #expect(KVCompression.top(1, of: [2, 2]) == [0])
        #expect(KVCompression.top(3, of: [0, 9, 1, 8]) == [1, 2, 3])
    }
}

@Suite("KV compression on a model")
struct KVCompressionModelTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)

    private func model(_ configure: (inout SyntheticModel) -> Void = { _ in }) async throws -> LoadedModel {
        let (_, path) = try syntheticFile {
            $0.blockCount = 4
            $0.matrixType = .q8_0
            configure(&$0)
        }
        return try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
    }

    private func tokens(_ count: Int, seed: Int) -> [Int32] {
        (0..<count).map { Int32(($0 * 7919 + seed * 104_729) % 380) }
    }

    /// The positions a layer's KV head holds, in cache order.
    private func positions(_ cache: KVCache, layer: Int, kvHead: Int) -> [Int32] {
        cache.segments(layer: layer).flatMap { segment in
            (0..<segment.count).map { segment.positions[$0 * cache.kvHeads + kvHead] }
        }
    }

    private func uncompressed(_ model: LoadedModel, _ prompt: [Int32]) throws -> (cache: KVCache, logits: [Float]) {
        let cache = model.makeGrowableCache()
        let logits = try model.prefill(prompt, cache: cache, cancelled: CancellationFlag())
        return (cache, logits)
    }

    /// Feeds `more` and returns the logits of every row.
    private func continuing(_ model: LoadedModel, _ cache: KVCache, _ more: [Int32]) throws -> [Float] {
        var rows: [Float] = []
        try model.feed(more[...], into: cache, wanted: Array(more.indices), cancelled: CancellationFlag()) { _, logits in
            rows += logits
        }
        return rows
    }

    @Test("none, or a budget covering the prompt, leaves the cache as an uncompressed one",
          arguments: [KVCompression(method: .none), KVCompression(method: .pyramid, budget: 60, window: 4),
                      KVCompression(method: .snap, budget: 100, window: 8), KVCompression(method: .streaming, budget: 60, window: 2)])
    func nothingDropped(settings: KVCompression) async throws {
        let loaded = try await model()
        let prompt = tokens(60, seed: 1), more = tokens(7, seed: 2)
        let reference = try uncompressed(loaded, prompt)
        let cache = loaded.makeGrowableCache()
        let (logits, report) = try loaded.prefill(prompt[...], into: cache, compression: settings, cancelled: CancellationFlag())
        #expect(report.applied == .none && report.requested == settings.method)
        #expect(report.keptPerLayer == [60, 60, 60, 60] && report.bytesSaved == 0)
        #expect(cache.counts == reference.cache.counts && cache.compressedThrough == 0)
        #expect(logits == reference.logits)
        #expect(try continuing(loaded, cache, more) == continuing(loaded, reference.cache, more))
    }

    @Test("the logits returned come from full attention, before anything is dropped", arguments: [KVCompression.Method.pyramid, .snap, .streaming])
    func logitsBeforeCompression(method: KVCompression.Method) async throws {
        let loaded = try await model()
        let prompt = tokens(90, seed: 3)
        let (logits, report) = try loaded.prefill(prompt[...], into: loaded.makeGrowableCache(),
                                                  compression: KVCompression(method: method, budget: 24, window: 4),
                                                  cancelled: CancellationFlag())
        #expect(report.applied == method)
        #expect(logits == (try uncompressed(loaded, prompt).logits))
    }

    @Test("streaming keeps the first budget − window tokens and the window, in every layer and head")
    func streamingKeepsEnds() async throws {
        let loaded = try await model()
        let n = 80
        let settings = KVCompression(method: .streaming, budget: 20, window: 6)
        let cache = loaded.makeGrowableCache()
        let (_, report) = try loaded.prefill(tokens(n, seed: 4)[...], into: cache, compression: settings, cancelled: CancellationFlag())
        #expect(report.applied == .streaming && report.keptPerLayer == [20, 20, 20, 20])
        let expected = (0..<14).map { Int32($0) } + (74..<80).map { Int32($0) }
        for layer in 0..<cache.layers {
            for kvHead in 0..<cache.kvHeads { #expect(positions(cache, layer: layer, kvHead: kvHead) == expected) }
        }
        #expect(cache.nextPosition == 80 && cache.compressedThrough == 74)
    }

    @Test("pyramid: each layer keeps the plan's count, each head its kept tokens in order and then the window")
    func countsFollowPlan() async throws {
        let loaded = try await model()
        let n = 100
        let settings = KVCompression(method: .pyramid, budget: 24, window: 4)
        let cache = loaded.makeGrowableCache()
        let (_, report) = try loaded.prefill(tokens(n, seed: 5)[...], into: cache, compression: settings, cancelled: CancellationFlag())
        let plan = settings.plan(layers: 4, promptTokens: n)
        #expect(plan.kept == [43, 30, 18, 5])
        #expect(report.applied == .pyramid && report.keptPerLayer == plan.kept && cache.counts == plan.kept)
        let entry = KVStorage.bytesPerEntry(width: cache.width, kvHeads: cache.kvHeads)
        #expect(report.bytesBefore == 4 * n * entry && report.bytesAfter == plan.kept.reduce(0, +) * entry)
        #expect(cache.byteCount == report.bytesAfter, "the compacted storage is sized exactly to the kept entries")
        for layer in 0..<4 {
            for kvHead in 0..<cache.kvHeads {
                let kept = positions(cache, layer: layer, kvHead: kvHead)
                #expect(kept.count == plan.kept[layer])
                #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
                #expect(Array(kept.suffix(4)) == [96, 97, 98, 99])
                #expect(kept.dropLast(4).allSatisfy { $0 < 96 })
            }
        }
    }

    @Test("selection equals a naive recomputation of the window's attention, pooled, top-k per KV head",
          arguments: [("llama", 4, 4, KVCompression.Pooling.avg), ("qwen2", 4, 2, .max), ("qwen3", 8, 2, .avg), ("llama", 8, 1, .max)])
    func selectionMatchesNaive(architecture: String, heads: Int, kvHeads: Int, pooling: KVCompression.Pooling) async throws {
        let loaded = try await model {
            $0.architecture = architecture
            $0.headCount = heads
            $0.headCountKV = kvHeads
        }
        let n = 96, window = 6, kernel = 5
        let settings = KVCompression(method: .snap, budget: 26, window: window, kernel: kernel, pooling: pooling)
        let prompt = tokens(n, seed: 6)
        // The uncompressed cache and the window's queries, fed through the same path.
        let full = loaded.makeGrowableCache()
        let capture = QueryCapture(layers: 4, from: Int32(n - window))
        try loaded.feed(prompt[...], into: full, cancelled: CancellationFlag(), capture: capture)
        #expect(capture.positions == (90..<96).map { Int32($0) })
        let compressed = loaded.makeGrowableCache()
        _ = try loaded.prefill(prompt[...], into: compressed, compression: settings, cancelled: CancellationFlag())

        let c = loaded.configuration
        let d = c.headDimension, group = heads / kvHeads, k = settings.budget - window
        for layer in 0..<4 {
            let segments = full.segments(layer: layer)
            let keys: [[Float]] = segments.flatMap { s in
                (0..<s.count).map { e in Array(UnsafeBufferPointer(start: s.keys + e * c.keyValueWidth, count: c.keyValueWidth)) }
            }
            #expect(keys.count == n)
            for kvHead in 0..<kvHeads {
                var scores = [Double](repeating: 0, count: n - window)
                for (row, position) in capture.positions.enumerated() {
                    for head in (kvHead * group)..<((kvHead + 1) * group) {
                        let q = capture.queries[layer][(row * heads * d + head * d)..<(row * heads * d + (head + 1) * d)]
                        let logits = (0...Int(position)).map { j in
                            zip(q, keys[j][(kvHead * d)..<((kvHead + 1) * d)]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / Double(d).squareRoot()
                        }
                        let top = logits.max()!
                        let total = logits.reduce(0.0) { $0 + exp($1 - top) }
                        for j in 0..<(n - window) { scores[j] += exp(logits[j] - top) / total }
                    }
                }
                let pooled = (0..<scores.count).map { j -> Double in
                    let around = scores[max(0, j - kernel / 2)..<min(scores.count, j + kernel / 2 + 1)]
                    return pooling == .avg ? around.reduce(0, +) / Double(kernel) : around.max()!
                }
                let ranked = pooled.indices.sorted { pooled[$0] > pooled[$1] }
                let kept = positions(compressed, layer: layer, kvHead: kvHead).dropLast(window).map { Int($0) }
                #expect(kept.count == k)
                // Every kept key is among the k best (up to rounding); where the k-th and the
                // (k+1)-th scores are clearly apart the sets are the same.
                let threshold = pooled[ranked[k - 1]]
                #expect(kept.allSatisfy { pooled[$0] >= threshold - 1e-5 }, "layer \(layer) head \(kvHead)")
                if threshold - pooled[ranked[k]] > 1e-5 {
                    #expect(kept == ranked.prefix(k).sorted(), "layer \(layer) head \(kvHead)")
                }
            }
        }
    }

    @Test("GQA: entries are stored per KV head, and heads choose their tokens independently")
    func groupedQueryHeads() async throws {
        let loaded = try await model { $0.headCount = 8; $0.headCountKV = 2 }
        let cache = loaded.makeGrowableCache()
        let n = 120
        let (_, report) = try loaded.prefill(tokens(n, seed: 7)[...], into: cache,
                                             compression: KVCompression(method: .snap, budget: 30, window: 4),
                                             cancelled: CancellationFlag())
        #expect(cache.width == 2 * loaded.configuration.headDimension && cache.kvHeads == 2)
        #expect(report.keptPerLayer == [30, 30, 30, 30])
        let differ = (0..<4).contains { positions(cache, layer: $0, kvHead: 0) != positions(cache, layer: $0, kvHead: 1) }
        #expect(differ, "every layer's two KV heads kept the same tokens")
        let next = try continuing(loaded, cache, [11, 12, 13])
        #expect(next.allSatisfy { $0.isFinite } && cache.counts == [33, 33, 33, 33])
    }

    @Test("after compression the cache keeps growing, forks, and truncates no further back than the window",
          arguments: [KVCompression.Method.pyramid, .snap, .streaming])
    func continuesAfterCompression(method: KVCompression.Method) async throws {
        let loaded = try await model()
        let n = 100
        let cache = loaded.makeGrowableCache()
        let (logits, report) = try loaded.prefill(tokens(n, seed: 8)[...], into: cache,
                                                  compression: KVCompression(method: method, budget: 24, window: 4),
                                                  cancelled: CancellationFlag())
        #expect(report.bytesSaved > 0 && report.bytesAfter < report.bytesBefore)
        let kept = report.keptPerLayer
        // Greedy decoding: each step's token goes in at the next position, in every layer.
        var token = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        for step in 1...20 {
            try cache.reserve(1)   // decodeStep writes into room made beforehand
            let next = loaded.decodeStep([token], caches: [cache])[0]
            #expect(next.allSatisfy { $0.isFinite })
            #expect(cache.counts == kept.map { $0 + step } && cache.nextPosition == Int32(n + step))
            token = Int32(next.indices.max { next[$0] < next[$1] }!)
        }
        let fork = cache.fork()
        _ = try continuing(loaded, fork, [1, 2, 3])
        #expect(fork.counts == kept.map { $0 + 23 } && cache.counts == kept.map { $0 + 20 })
        #expect(fork.compressedThrough == 96)
        #expect(throws: EngineError.self) { try cache.truncate(to: 95) }
        try cache.truncate(to: 96)
        #expect(cache.counts == kept.map { $0 - 4 } && cache.nextPosition == 96)
        #expect(fork.counts == kept.map { $0 + 23 }, "truncating the original leaves its fork alone")
    }

    @Test("invalid settings are refused with the field named, before anything is fed",
          arguments: [(KVCompression(method: .snap, budget: 4, window: 4), "budget"), (KVCompression(method: .pyramid, window: 0), "window"),
                      (KVCompression(method: .snap, kernel: 2), "kernel"), (KVCompression(method: .pyramid, beta: 0), "beta"),
                      (KVCompression(method: .none, budget: 2), "budget")])
    func refusesInvalid(settings: KVCompression, field: String) async throws {
        let loaded = try await model()
        let cache = loaded.makeGrowableCache()
        do {
            _ = try loaded.prefill(tokens(50, seed: 9)[...], into: cache, compression: settings, cancelled: CancellationFlag())
            Issue.record("accepted invalid settings \(settings)")
        } catch {
            guard case .invalidInput(let named, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(named == field)
        }
        #expect(cache.count == 0)
    }

    @Test("a prompt longer than the context is refused; a cancelled prefill stops")
    func refusesOverflowAndCancels() async throws {
        let loaded = try await model { $0.contextLength = 64 }
        let settings = KVCompression(method: .snap, budget: 16, window: 4)
        #expect(throws: EngineError.self) {
            _ = try loaded.prefill(tokens(65, seed: 10)[...], into: loaded.makeGrowableCache(), compression: settings, cancelled: CancellationFlag())
        }
        let cancelled = CancellationFlag()
        cancelled.set()
        do {
            _ = try loaded.prefill(tokens(40, seed: 10)[...], into: loaded.makeGrowableCache(), compression: settings, cancelled: cancelled)
            Issue.record("a cancelled prefill finished")
        } catch {
            guard case .cancelled = error else { Issue.record("wrong error \(error)"); return }
        }
    }
}
