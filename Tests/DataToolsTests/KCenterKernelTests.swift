import Testing
@testable import DataTools
import Kernels

/// KCenter's SIMD distance kernels against plain Double loops, and its selection against a
/// farthest-first reference computed in Double.
@Suite("k-center distance kernels")
struct KCenterKernelTests {
    /// Largest difference allowed, relative to Σ|aᵢ·bᵢ|: f32 rounding of a few hundred terms summed
    /// in sixteen lanes rather than one after another.
    static let tolerance = 1e-5

    @Test("dot and squared distance match a Double reference", arguments: [1, 15, 16, 17, 33, 384, 401])
    func kernels(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        let a = (0..<count).map { _ in generator.normal() }, b = (0..<count).map { _ in generator.normal() }
        let (dot, squared) = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                (KCenter.dot(a.baseAddress!, b.baseAddress!, count: count),
                 KCenter.squaredDistance(a.baseAddress!, b.baseAddress!, count: count))
            }
        }
        var dotReference = 0.0, dotScale = 0.0, squaredReference = 0.0
        for (x, y) in zip(a, b) {
            dotReference += Double(x) * Double(y)
            dotScale += abs(Double(x) * Double(y))
            squaredReference += (Double(x) - Double(y)) * (Double(x) - Double(y))
        }
        let dotDifference = abs(Double(dot) - dotReference) / dotScale
        let squaredDifference = abs(Double(squared) - squaredReference) / squaredReference
        #expect(dotDifference < Self.tolerance, "dot: max difference \(dotDifference) of Σ|a·b|")
        #expect(squaredDifference < Self.tolerance, "squared distance: max difference \(squaredDifference)")
    }

    @Test("k-center picks the points a Double farthest-first reference picks", arguments: KCenter.Metric.allCases)
    func matchesReference(metric: KCenter.Metric) throws {
        // 37 columns: two full 16-lane chunks and a tail.
        var generator = SplitMix64(seed: 21)
        let rows = (0..<300).map { _ in (0..<37).map { _ in generator.normal() } }
        let selection = try KCenter.select(try EmbeddingMatrix(rows: rows), k: 30, metric: metric, start: [0])
        #expect(selection.indices == Self.farthestFirst(rows, k: 30, metric: metric))
    }

    /// Greedy farthest-first from row 0 with every distance in Double; ties go to the lowest index.
    static func farthestFirst(_ rows: [[Float]], k: Int, metric: KCenter.Metric) -> [Int] {
        func distance(_ x: [Float], _ y: [Float]) -> Double {
            var dot = 0.0, xx = 0.0, yy = 0.0, squared = 0.0
            for (a, b) in zip(x, y) {
                dot += Double(a) * Double(b)
                xx += Double(a) * Double(a)
                yy += Double(b) * Double(b)
                squared += (Double(a) - Double(b)) * (Double(a) - Double(b))
            }
            return metric == .cosine ? max(0, 1 - dot / (xx * yy).squareRoot()) : squared.squareRoot()
        }
        var nearest = [Double](repeating: .infinity, count: rows.count)
        var chosen = [0]
        while true {
            for i in rows.indices { nearest[i] = min(nearest[i], distance(rows[i], rows[chosen.last!])) }
            if chosen.count == k { return chosen }
            var best = -1
            for i in rows.indices where !chosen.contains(i) && (best < 0 || nearest[i] > nearest[best]) { best = i }
            chosen.append(best)
        }
    }
}
