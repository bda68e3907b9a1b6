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

    /// Σ a[j]·b[j] over j in 0..<count. Sixteen lanes accumulate side by side (separate multiply
    /// and add, never fused), then fold in a fixed order and the tail is added, so a given input
    /// gives the same bits on every machine.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var j = 0
        while j + 16 <= count {
            lanes += load16(a + j) * load16(b + j)
            j += 16
        }
        var sum = fold(lanes)
        while j < count {
            sum += a[j] * b[j]
            j += 1
        }
        return sum
    }

    /// Σ (a[j] − b[j])² over j in 0..<count, in `dot`'s order.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var j = 0
        while j + 16 <= count {
            let e = load16(a + j) - load16(b + j)
            lanes += e * e
            j += 16
        }
        var sum = fold(lanes)
        while j < count {
            let e = a[j] - b[j]
            sum += e * e
            j += 1
        }
        return sum
    }

    @inline(__always)
    private static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// The lanes' sum, halving in a fixed order (SIMD's `sum()` leaves the order unspecified).
    @inline(__always)
    private static func fold(_ v: SIMD16<Float>) -> Float {
        let v8 = v.lowHalf + v.highHalf
        let v4 = v8.lowHalf + v8.highHalf
        let v2 = v4.lowHalf + v4.highHalf
        return v2[0] + v2[1]
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
            let (n, d) = (matrix.rows, matrix.dimension)
            norms = metric == .cosine ? matrix.values.withUnsafeBufferPointer { v in
                (0..<n).map { i in KCenter.dot(v.baseAddress! + i * d, v.baseAddress! + i * d, count: d).squareRoot() }
            } : []
        }

        /// Marks row `c` selected and returns the coverage radius. One pass over the whole matrix:
        /// at 100k × 384 that is 154 MB read per added center, so the loop is bound by memory
        /// bandwidth once the arithmetic is vectorized.
        mutating func add(_ c: Int) -> Float {
            selected[c] = true
            let (n, d, metric) = (matrix.rows, matrix.dimension, metric)
            var radius: Float = 0
            matrix.values.withUnsafeBufferPointer { v in
                norms.withUnsafeBufferPointer { norms in
                    nearest.withUnsafeMutableBufferPointer { nearest in
                        let center = v.baseAddress! + c * d
                        for i in 0..<n {
                            let row = v.baseAddress! + i * d
                            let distance: Float
                            switch metric {
                            case .cosine:
                                let scale = norms[i] * norms[c]
                                distance = i == c ? 0 : (scale > 0 ? max(0, 1 - KCenter.dot(row, center, count: d) / scale) : 1)
                            case .euclidean:
                                distance = KCenter.squaredDistance(row, center, count: d).squareRoot()
                            }
                            if distance < nearest[i] { nearest[i] = distance }
                            if nearest[i] > radius { radius = nearest[i] }
                        }
                    }
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
