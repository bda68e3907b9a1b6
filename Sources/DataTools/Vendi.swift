import Foundation
import Kernels

/// The Vendi score (Friedman & Dieng 2023): exp of the Shannon entropy of the eigenvalues of K/n,
/// K the cosine-similarity kernel of n vectors — the "effective number" of distinct items, 1 for n
/// identical vectors and n for n orthogonal ones.
package enum Vendi {
    /// Most vectors scored exactly; a larger set is scored on a seeded random sample of this many.
    package static let maxSample = 1000

    /// A score and how many vectors it was computed on.
    package struct Score: Sendable, Equatable {
        package var value: Double
        /// Vectors scored: all of them, or `maxSample` drawn at random when there were more.
        package var sampled: Int
        package var total: Int
    }

    /// The Vendi score of the rows of `matrix` (all of them when there are at most `maxSample`,
    /// else a sample drawn with `seed`). K = X̂X̂ᵀ with X̂ the unit-length rows (a zero row is its
    /// own unit vector: similarity 1 with itself, 0 with others); the nonzero eigenvalues of
    /// X̂X̂ᵀ are those of X̂ᵀX̂, so the smaller of the two Gram matrices goes to Jacobi.
    package static func score(_ matrix: EmbeddingMatrix, seed: UInt64 = 1, maxSample: Int = Vendi.maxSample) -> Score {
        let total = matrix.rows
        guard total > 0 else { return Score(value: 0, sampled: 0, total: 0) }
        var rows = Array(0..<total)
        if total > maxSample {
            var generator = SplitMix64(seed: seed)
            rows = KCenter.sample(maxSample, of: total, using: &generator).sorted()
        }
        let n = rows.count, d = matrix.dimension
        // Unit rows in Double; zero rows flagged so they contribute a lone eigenvalue of 1.
        var unit = [Double](repeating: 0, count: n * d)
        var zeroRows = 0
        for (r, i) in rows.enumerated() {
            let row = matrix.row(i)
            var norm = 0.0
            for x in row { norm += Double(x) * Double(x) }
            norm = norm.squareRoot()
            if norm == 0 { zeroRows += 1; continue }
            for (j, x) in row.enumerated() { unit[r * d + j] = Double(x) / norm }
        }
        var eigenvalues: [Double]
        if n <= d {
            var k = [Double](repeating: 0, count: n * n)
            for a in 0..<n {
                for b in a..<n {
                    var dot = 0.0
                    for j in 0..<d { dot += unit[a * d + j] * unit[b * d + j] }
                    k[a * n + b] = dot
                    k[b * n + a] = dot
                }
            }
            for (r, i) in rows.enumerated() where isZero(matrix.row(i)) { k[r * n + r] = 1 }
            eigenvalues = SymmetricEigen.eigenvalues(k, n: n)
        } else {
            var g = [Double](repeating: 0, count: d * d)
            for r in 0..<n {
                for a in 0..<d where unit[r * d + a] != 0 {
                    let x = unit[r * d + a]
                    for b in a..<d { g[a * d + b] += x * unit[r * d + b] }
                }
            }
            for a in 0..<d { for b in a..<d { g[b * d + a] = g[a * d + b] } }
            eigenvalues = SymmetricEigen.eigenvalues(g, n: d) + Array(repeating: 1, count: zeroRows)
        }
        var entropy = 0.0
        for lambda in eigenvalues {
            let p = lambda / Double(n)
            if p > 1e-12 { entropy -= p * log(p) }
        }
        return Score(value: exp(entropy), sampled: n, total: total)
    }

    private static func isZero(_ row: ArraySlice<Float>) -> Bool { row.allSatisfy { $0 == 0 } }
}
