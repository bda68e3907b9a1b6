import Kernels

/// Greedy farthest-point (k-center) selection over embeddings, and DiverseEvol's iterative form
/// (Wu et al. 2023, "Self-Evolved Diverse Data Sampling for Efficient Instruction Tuning"): each
/// round adds the points farthest from everything selected so far.
package enum KCenter {
    /// How far apart two vectors are.
    package enum Metric: String, Sendable, CaseIterable {
        /// 1 − cos(a, b); a zero vector is at distance 1 from everything else.
        case cosine
        /// ‖a − b‖₂.
        case euclidean
    }

    /// Selected row indices in selection order, and the coverage radius (the largest distance of
    /// any point to its nearest selected point) after each addition or, for `diverseEvol`, after
    /// each round.
    package struct Selection: Sendable, Equatable {
        package var indices: [Int]
        package var radii: [Float]
    }

    /// Greedy k-center: starts from `start` (or, when empty, one row drawn with `seed`) and
    /// repeatedly adds the row farthest from the selected set (ties go to the lowest index) until
    /// `k` rows are selected. `radii[i]` is the coverage radius once `indices[0...i]` are selected,
    /// so it never increases. Deterministic for a given input and seed. O(n·d) per addition.
    package static func select(_ matrix: EmbeddingMatrix, k: Int, metric: Metric = .cosine, start: [Int] = [],
                               seed: UInt64 = 1, cancelled: () -> Bool = { false }) throws(DataError) -> Selection {
        let n = matrix.rows
        guard k >= 1, k <= n else { throw .invalidArgument(field: "k", message: "k must be in 1...\(n), got \(k)") }
        guard start.count <= k else { throw .invalidArgument(field: "start", message: "\(start.count) start points exceed k = \(k)") }
        var seen = Set<Int>()
        for i in start {
            guard i >= 0, i < n else { throw .invalidArgument(field: "start", message: "index \(i) outside 0..<\(n)") }
            guard seen.insert(i).inserted else { throw .invalidArgument(field: "start", message: "index \(i) given twice") }
        }
        var generator = SplitMix64(seed: seed)
        var state = Coverage(matrix: matrix, metric: metric)
        var selection = Selection(indices: [], radii: [])
        for i in start.isEmpty ? [Int(generator.next() % UInt64(n))] : start {
            selection.indices.append(i)
            selection.radii.append(state.add(i))
        }
        while selection.indices.count < k {
            if cancelled() { throw .cancelled }
            let next = state.farthest()
            selection.indices.append(next)
            selection.radii.append(state.add(next))
        }
        return selection
    }

    /// DiverseEvol: round 1 draws `perRound` rows at random with `seed`; each later round adds
    /// `perRound` rows by k-center, until `rounds` rounds or `limit` rows (the last round may be
    /// shorter). `radii` has one entry per round: the coverage radius at its end.
    package static func diverseEvol(_ matrix: EmbeddingMatrix, rounds: Int, perRound: Int, limit: Int? = nil,
                                    metric: Metric = .cosine, seed: UInt64 = 1,
                                    cancelled: () -> Bool = { false }) throws(DataError) -> Selection {
        let n = matrix.rows
        guard rounds >= 1 else { throw .invalidArgument(field: "rounds", message: "rounds must be at least 1") }
        guard perRound >= 1 else { throw .invalidArgument(field: "perRound", message: "perRound must be at least 1") }
        let (product, overflow) = rounds.multipliedReportingOverflow(by: perRound)
        let total = min(overflow ? Int.max : product, limit ?? Int.max)
        guard total >= 1, total <= n else {
            throw .invalidArgument(field: "k", message: "rounds × perRound selects \(total) of \(n) examples")
        }
        var generator = SplitMix64(seed: seed)
        var state = Coverage(matrix: matrix, metric: metric)
        var selection = Selection(indices: sample(min(perRound, total), of: n, using: &generator), radii: [])
        var radius: Float = .infinity
        for i in selection.indices { radius = state.add(i) }
        selection.radii.append(radius)
        while selection.indices.count < total {
            let roundEnd = min(selection.indices.count + perRound, total)
            while selection.indices.count < roundEnd {
                if cancelled() { throw .cancelled }
                let next = state.farthest()
                selection.indices.append(next)
                radius = state.add(next)
            }
            selection.radii.append(radius)
        }
        return selection
    }

    /// `count` distinct indices of 0..<n drawn with a partial Fisher–Yates shuffle, in draw order.
    package static func sample(_ count: Int, of n: Int, using generator: inout SplitMix64) -> [Int] {
        precondition(count <= n, "cannot draw \(count) of \(n)")
        var pool = Array(0..<n)
        for i in 0..<count {
            let j = i + Int(generator.next() % UInt64(n - i))
            pool.swapAt(i, j)
        }
        return Array(pool[0..<count])
    }

    /// Each row's distance to its nearest selected row.
    private struct Coverage {
        let matrix: EmbeddingMatrix
        let metric: Metric
        var nearest: [Float]
        var selected: [Bool]
        let norms: [Float]

        init(matrix: EmbeddingMatrix, metric: Metric) {
            self.matrix = matrix
            self.metric = metric
            nearest = Array(repeating: .infinity, count: matrix.rows)
            selected = Array(repeating: false, count: matrix.rows)
            norms = metric == .cosine ? (0..<matrix.rows).map { i in
                matrix.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            } : []
        }

        /// Marks row `c` selected and returns the coverage radius.
        mutating func add(_ c: Int) -> Float {
            selected[c] = true
            let d = matrix.dimension
            var radius: Float = 0
            matrix.values.withUnsafeBufferPointer { v in
                let center = c * d
                for i in 0..<nearest.count {
                    let row = i * d
                    let distance: Float
                    switch metric {
                    case .cosine:
                        var dot: Float = 0
                        for j in 0..<d { dot += v[row + j] * v[center + j] }
                        let scale = norms[i] * norms[c]
                        distance = i == c ? 0 : (scale > 0 ? max(0, 1 - dot / scale) : 1)
                    case .euclidean:
                        var sum: Float = 0
                        for j in 0..<d { let e = v[row + j] - v[center + j]; sum += e * e }
                        distance = sum.squareRoot()
                    }
                    if distance < nearest[i] { nearest[i] = distance }
                    if nearest[i] > radius { radius = nearest[i] }
                }
            }
            return radius
        }

        /// The unselected row farthest from the selected set; ties go to the lowest index.
        func farthest() -> Int {
            var best = -1
            var bestDistance: Float = -1
            for i in 0..<nearest.count where !selected[i] && nearest[i] > bestDistance {
                best = i
                bestDistance = nearest[i]
            }
            return best
        }
    }
}
