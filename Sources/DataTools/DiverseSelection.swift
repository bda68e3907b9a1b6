import Kernels

/// `data/select`'s workflow: embed the examples in batches into one compact matrix held against the
/// caller's memory budget, select by k-center (plain, or DiverseEvol rounds), and score the
/// selection's diversity against a random subset of its size.
///
/// Embedding is the caller's (a loaded model); the k-center and Vendi loops — O(n·d·k), seconds at
/// 100k examples — run on a thread of their own, off the pool request tasks share.
package enum DiverseSelection {
    package struct Options: Sendable {
        package var k: Int
        package var metric: KCenter.Metric
        /// 1: plain k-center from one random example; more: DiverseEvol rounds.
        package var rounds: Int
        /// Examples per round when `rounds` > 1; nil for ⌈k / rounds⌉.
        package var perRound: Int?
        package var seed: UInt64
        /// Texts per call to `embed`.
        package var batch: Int

        package init(k: Int, metric: KCenter.Metric = .cosine, rounds: Int = 1, perRound: Int? = nil, seed: UInt64 = 1,
                     batch: Int = 64) {
            self.k = k
            self.metric = metric
            self.rounds = rounds
            self.perRound = perRound
            self.seed = seed
            self.batch = batch
        }
    }

    package struct Outcome: Sendable {
        package var selection: KCenter.Selection
        package var selected: Vendi.Score
        package var random: Vendi.Score
        package var examples: Int
        package var dimension: Int
    }

    /// What the work is doing, for progress reports.
    package enum Stage: Sendable, Equatable {
        case embedded(done: Int, total: Int)
        case selecting
        case scoring
    }

    /// Runs the workflow over `texts`. `embed` returns one vector per text (all of one length);
    /// `reserve` is asked for the matrix's bytes once the dimension is known and what it returns
    /// is held until the selection is done; `progress` hears every 1,000 embedded examples (and the
    /// last). Cancelling the calling task stops between batches and inside the selection.
    package static func run(
        texts: [String], options: Options,
        embed: ([String]) async throws -> [[Float]],
        reserve: (_ bytes: Int) throws -> (any Sendable)?,
        progress: @escaping @Sendable (Stage) -> Void = { _ in }
    ) async throws -> Outcome {
        guard !texts.isEmpty else { throw DataError.invalidArgument(field: "texts", message: "there are no examples") }
        guard options.k >= 1, options.k <= texts.count else {
            throw DataError.invalidArgument(field: "k", message: "k = \(options.k) must be in 1...\(texts.count), the examples given")
        }
        guard options.rounds >= 1, options.batch >= 1 else {
            throw DataError.invalidArgument(field: "rounds", message: "rounds and the batch must be at least 1")
        }
        var matrix: EmbeddingMatrix?
        var reservation: (any Sendable)?
        for start in stride(from: 0, to: texts.count, by: options.batch) {
            try Task.checkCancellation()
            let end = min(start + options.batch, texts.count)
            let vectors = try await embed(Array(texts[start..<end]))
            guard vectors.count == end - start else {
                throw DataError.invalidArgument(field: "model", message: "the embedder returned \(vectors.count) vectors for \(end - start) texts")
            }
            if matrix == nil, let first = vectors.first {
                guard !first.isEmpty else { throw DataError.invalidArgument(field: "model", message: "the embedder returned empty vectors") }
                reservation = try reserve(bytes(rows: texts.count, dimension: first.count))
                var empty = EmbeddingMatrix(dimension: first.count)
                empty.reserveCapacity(rows: texts.count)
                matrix = empty
            }
            for vector in vectors { try matrix!.append(vector) }
            if end / 1000 > start / 1000 || end == texts.count { progress(.embedded(done: end, total: texts.count)) }
        }
        guard let matrix else { throw DataError.invalidArgument(field: "texts", message: "there are no examples") }
        progress(.selecting)
        let outcome = try await BlockingThread.run(name: "minos-select") { cancelled throws(DataError) in
            try select(matrix, options: options, cancelled: cancelled, scoring: { progress(.scoring) })
        }
        withExtendedLifetime(reservation) {}
        return outcome
    }

    /// Bytes the workflow holds for `rows` embeddings of `dimension`: the matrix and k-center's
    /// per-row distances, flags and norms.
    package static func bytes(rows: Int, dimension: Int) -> Int {
        rows * (dimension * MemoryLayout<Float>.stride + 2 * MemoryLayout<Float>.stride + 1)
    }

    /// The selection and Vendi scores over an embedded matrix (blocking; any thread).
    package static func select(_ matrix: EmbeddingMatrix, options: Options, cancelled: () -> Bool = { false },
                               scoring: () -> Void = {}) throws(DataError) -> Outcome {
        let selection: KCenter.Selection
        if options.rounds == 1 {
            selection = try KCenter.select(matrix, k: options.k, metric: options.metric, seed: options.seed, cancelled: cancelled)
        } else {
            let perRound = options.perRound ?? (options.k + options.rounds - 1) / options.rounds
            selection = try KCenter.diverseEvol(matrix, rounds: options.rounds, perRound: perRound, limit: options.k,
                                                metric: options.metric, seed: options.seed, cancelled: cancelled)
        }
        scoring()
        var generator = SplitMix64(seed: options.seed)
        let randomRows = KCenter.sample(selection.indices.count, of: matrix.rows, using: &generator)
        return Outcome(selection: selection,
                       selected: Vendi.score(matrix.subset(selection.indices), seed: options.seed),
                       random: Vendi.score(matrix.subset(randomRows), seed: options.seed),
                       examples: matrix.rows, dimension: matrix.dimension)
    }
}
