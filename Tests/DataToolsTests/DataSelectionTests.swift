import Foundation
import Testing
@testable import DataTools
import Kernels

@Suite("DiverseEvol selection and Vendi score")
struct DataSelectionTests {
    /// Points on a line at 0, 1, 2, 3 and 10.
    let line = try! EmbeddingMatrix(rows: [[0], [1], [2], [3], [10]])

    @Test("k-center on a line adds points in farthest-first order")
    func farthestFirstOnALine() throws {
        let selection = try KCenter.select(line, k: 5, metric: .euclidean, start: [0])
        #expect(selection.indices == [0, 4, 3, 1, 2])
        #expect(selection.radii == [10, 3, 1, 1, 0])
    }

    @Test("k-center is deterministic by seed and its radii never increase")
    func deterministicAndMonotone() throws {
        var generator = SplitMix64(seed: 7)
        let matrix = try EmbeddingMatrix(rows: (0..<200).map { _ in (0..<16).map { _ in generator.normal() } })
        for metric in KCenter.Metric.allCases {
            let a = try KCenter.select(matrix, k: 40, metric: metric, seed: 3)
            let b = try KCenter.select(matrix, k: 40, metric: metric, seed: 3)
            #expect(a == b)
            #expect(Set(a.indices).count == 40)
            #expect(zip(a.radii, a.radii.dropFirst()).allSatisfy { $0 >= $1 }, "\(a.radii)")
            let c = try KCenter.select(matrix, k: 40, metric: metric, seed: 4)
            #expect(c.indices.first != a.indices.first || c == a)
        }
    }

    @Test("DiverseEvol rounds: a random start, then k-center rounds, one radius per round")
    func diverseEvolRounds() throws {
        var generator = SplitMix64(seed: 11)
        let matrix = try EmbeddingMatrix(rows: (0..<300).map { _ in (0..<8).map { _ in generator.normal() } })
        let a = try KCenter.diverseEvol(matrix, rounds: 4, perRound: 10, metric: .cosine, seed: 5)
        #expect(a.indices.count == 40 && Set(a.indices).count == 40)
        #expect(a.radii.count == 4)
        #expect(zip(a.radii, a.radii.dropFirst()).allSatisfy { $0 >= $1 }, "\(a.radii)")
        #expect(a == (try KCenter.diverseEvol(matrix, rounds: 4, perRound: 10, metric: .cosine, seed: 5)))
        let limited = try KCenter.diverseEvol(matrix, rounds: 4, perRound: 10, limit: 35, seed: 5)
        #expect(limited.indices == Array(a.indices.prefix(35)))
        #expect(throws: DataError.self) { try KCenter.diverseEvol(matrix, rounds: 40, perRound: 10) }
    }

    @Test("k-center refuses k beyond the rows and bad start points")
    func refusals() {
        #expect(throws: DataError.invalidArgument(field: "k", message: "k must be in 1...5, got 6")) {
            try KCenter.select(line, k: 6)
        }
        #expect(throws: DataError.self) { try KCenter.select(line, k: 2, start: [9]) }
        #expect(throws: DataError.self) { try KCenter.select(line, k: 3, start: [1, 1]) }
    }

    @Test("Jacobi finds known eigenvalues")
    func jacobi() {
        let two = SymmetricEigen.eigenvalues([2, 1, 1, 2], n: 2)
        #expect(abs(two[0] - 1) < 1e-12 && abs(two[1] - 3) < 1e-12, "\(two)")
        let three = SymmetricEigen.eigenvalues([2, -1, 0, -1, 2, -1, 0, -1, 2], n: 3)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        let maxDifference = zip(three, expected).map { abs($0 - $1) }.max()!
        #expect(maxDifference < 1e-12, "max difference \(maxDifference)")
    }

    @Test("Vendi of identical vectors is 1 and of orthogonal vectors is n", arguments: [3, 8, 20])
    func vendiExtremes(n: Int) throws {
        let identical = try EmbeddingMatrix(rows: Array(repeating: [0.5, -1, 2, 0.25], count: n))
        let same = Vendi.score(identical)
        #expect(abs(same.value - 1) < 1e-6, "\(same.value)")
        let orthogonal = try EmbeddingMatrix(rows: (0..<n).map { i in (0..<n).map { $0 == i ? Float(i + 1) : 0 } })
        let different = Vendi.score(orthogonal)
        #expect(abs(different.value - Double(n)) < 1e-6, "\(different.value)")
        #expect(different.sampled == n && different.total == n)
    }

    @Test("Vendi of a large set is computed on a seeded sample")
    func vendiSample() throws {
        var generator = SplitMix64(seed: 2)
        let matrix = try EmbeddingMatrix(rows: (0..<50).map { _ in (0..<6).map { _ in generator.normal() } })
        let a = Vendi.score(matrix, seed: 9, maxSample: 20)
        #expect(a.sampled == 20 && a.total == 50)
        #expect(a == Vendi.score(matrix, seed: 9, maxSample: 20))
        #expect(a.value > 1 && a.value <= 6 + 1e-9)
    }
}
