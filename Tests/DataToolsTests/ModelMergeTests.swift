import Foundation
import Testing
@testable import DataTools
import GGUF
import Kernels
import Models

/// A scratch directory with tiny synthetic models, removed on deinit.
private final class Fixture {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "minos-merge-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes a small synthetic model and returns its path.
    func model(_ name: String, seed: UInt64, type: GGMLType = .f32, architecture: String = "llama",
               vocabulary: Int = 300, embedding: Int = 32) throws -> String {
        var model = SyntheticModel()
        model.architecture = architecture
        model.vocabularySize = vocabulary
        model.embeddingLength = embedding
        model.feedForwardLength = 64
        model.blockCount = 1
        model.headCount = 2
        model.headCountKV = 1
        model.matrixType = type
        model.seed = seed
        let path = "\(directory)/\(name).gguf"
        try model.build().write(to: path)
        return path
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] }
}

/// The tensor `name` of the GGUF file at `path` as f32 values.
private func values(_ path: String, _ name: String) throws -> [Float] {
    let file = try GGUFFile.open(path: path)
    return ModelMerge.decode(file, name)
}

/// The largest absolute difference between two tensors.
private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite("Merge operators")
struct MergeOperatorTests {
    @Test("TIES trim keeps the top density fraction by magnitude")
    func trim() {
        #expect(MergeOperators.trim([0.1, -3, 2, -0.5], density: 0.5) == [0, -3, 2, 0])
        #expect(MergeOperators.trim([0.1, -3, 2, -0.5], density: 0.25) == [0, -3, 0, 0])
        #expect(MergeOperators.trim([1, -1, 1, -1], density: 0.5) == [1, -1, 0, 0])
        #expect(MergeOperators.trim([0.1, -3], density: 1) == [0.1, -3])
    }

    @Test("TIES trim by selection keeps exactly what a full sort keeps, ties to the earlier index",
          arguments: [0.0, 0.01, 0.2, 0.5, 0.77, 1.0])
    func trimMatchesSort(density: Double) {
        var generator = SplitMix64(seed: 11)
        for n in [1, 2, 7, 100, 2049] {
            // Few distinct magnitudes, both signs: many ties at the cut.
            let delta = (0..<n).map { _ in Float(Int(generator.next() % 9) - 4) * 0.25 }
            let k = min(n, max(density > 0 ? 1 : 0, Int((density * Double(n)).rounded())))
            let order = delta.indices.sorted { a, b in
                abs(delta[a]) != abs(delta[b]) ? abs(delta[a]) > abs(delta[b]) : a < b
            }
            var expected = [Float](repeating: 0, count: n)
            for i in order.prefix(k) { expected[i] = delta[i] }
            #expect(MergeOperators.trim(delta, density: density) == expected, "n \(n)")
        }
    }

    @Test("TIES elects the sign of the weighted mass and averages the agreeing entries")
    func signElection() {
        let deltas: [[Float]] = [[1, -2, 0, 4], [-3, 1, 2, -1]]
        let signs = MergeOperators.electSigns(deltas, weights: [1, 1])
        #expect(signs == [-1, -1, 1, 1])
        #expect(MergeOperators.disjointMean(deltas, weights: [1, 1], signs: signs) == [-3, -2, 2, 4])
        // Weights move the mass: 3·1 beats 1·(−2) in the first entry.
        let weighted = MergeOperators.electSigns([[1], [-2]], weights: [3, 1])
        #expect(weighted == [1])
        // Agreeing entries are averaged with weights: (1·2 + 3·4) / 4.
        #expect(MergeOperators.disjointMean([[2], [4]], weights: [1, 3], signs: [1]) == [3.5])
        #expect(MergeOperators.ties(base: [10, 10, 10, 10], deltas: deltas, weights: [1, 1]) == [7, 8, 12, 14])
    }

    @Test("DARE with p = 0 changes nothing, and is deterministic by seed")
    func dareDeterminism() {
        let delta: [Float] = (0..<1000).map { Float($0) / 100 - 5 }
        #expect(MergeOperators.dare(delta, dropRate: 0, seed: 7) == delta)
        #expect(MergeOperators.dare(delta, dropRate: 0.5, seed: 7) == MergeOperators.dare(delta, dropRate: 0.5, seed: 7))
        #expect(MergeOperators.dare(delta, dropRate: 0.5, seed: 7) != MergeOperators.dare(delta, dropRate: 0.5, seed: 8))
        #expect(MergeOperators.dareSeed(1, tensor: "a", input: 0) != MergeOperators.dareSeed(1, tensor: "b", input: 0))
        #expect(MergeOperators.dareSeed(1, tensor: "a", input: 0) != MergeOperators.dareSeed(1, tensor: "a", input: 1))
    }

    @Test("DARE rescales survivors by 1/(1 − p), preserving the expected value")
    func dareRescaling() {
        let p = 0.3, n = 200_000
        let out = MergeOperators.dare([Float](repeating: 1, count: n), dropRate: p, seed: 42)
        let survivors = out.filter { $0 != 0 }
        #expect(survivors.allSatisfy { $0 == Float(1 / (1 - p)) })
        let mean = out.reduce(0.0) { $0 + Double($1) } / Double(n)
        let tolerance = 0.01
        #expect(abs(mean - 1) < tolerance, "mean \(mean), tolerance \(tolerance)")
        let dropped = Double(n - survivors.count) / Double(n)
        #expect(abs(dropped - p) < tolerance, "dropped fraction \(dropped)")
    }
}

@Suite("Model merge")
struct ModelMergeTests {
    static let probes = ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_down.weight", "output_norm.weight"]

    @Test("weight 0 gives the base exactly (task arithmetic, ties, dare)", arguments: [
        ModelMerge.Method.taskArithmetic, .ties, .dare, .dareTies])
    func weightZero(method: ModelMerge.Method) throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1), other = try fixture.model("other", seed: 2)
        let out = fixture.path("out.gguf")
        _ = try ModelMerge.merge(base: base, models: [other], weights: [0], method: method, outputType: .f32, output: out)
        for name in Self.probes { #expect(try values(out, name) == (try values(base, name)), "\(name)") }
    }

    @Test("one model with weight 1 gives that model (linear, task arithmetic), from q8_0 and f32 inputs",
          arguments: [GGMLType.f32, .q8_0])
    func weightOne(type: GGMLType) throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1, type: type), other = try fixture.model("other", seed: 2, type: type)
        for method in [ModelMerge.Method.linear, .taskArithmetic] {
            let out = fixture.path("\(method.rawValue).gguf")
            _ = try ModelMerge.merge(base: base, models: [other], weights: [1], method: method, outputType: .f32, output: out)
            for name in Self.probes { #expect(try values(out, name) == (try values(other, name)), "\(method) \(name)") }
        }
    }

    @Test("merged tensors match plain-loop references", arguments: [
        ModelMerge.Method.linear, .taskArithmetic, .ties, .dare, .dareTies])
    func reference(method: ModelMerge.Method) throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1, type: .q8_0)
        let a = try fixture.model("a", seed: 2, type: .q8_0), b = try fixture.model("b", seed: 3)
        let out = fixture.path("out.gguf")
        let weights = [0.7, 0.4], density = 0.3, dropRate = 0.25
        let report = try ModelMerge.merge(base: base, models: [a, b], weights: weights, method: method, density: density,
                                          dropRate: dropRate, seed: 9, outputType: .f32, output: out)
        let baseTensors = try GGUFFile.open(path: base).tensors.count, outSize = try GGUFFile.open(path: out).fileSize
        #expect(report.tensorsMerged == baseTensors)
        #expect(report.bytesRead > 0 && report.bytesWritten == outSize)
        for name in Self.probes {
            let x = try values(base, name), m = [try values(a, name), try values(b, name)]
            var expected = [Float](repeating: 0, count: x.count)
            var deltas = m.map { model in (0..<x.count).map { model[$0] - x[$0] } }
            if method == .ties {
                for i in deltas.indices {   // keep the k largest magnitudes (no ties in random data)
                    let k = Int((density * Double(x.count)).rounded())
                    let cut = deltas[i].map(abs).sorted(by: >)[k - 1]
                    deltas[i] = deltas[i].map { abs($0) >= cut ? $0 : 0 }
                }
            }
            if method == .dare || method == .dareTies {
                for i in deltas.indices {
                    var rng = SplitMix64(seed: MergeOperators.dareSeed(9, tensor: name, input: i))
                    deltas[i] = deltas[i].map { Double(rng.next() >> 11) * 0x1p-53 < dropRate ? 0 : Float(Double($0) / (1 - dropRate)) }
                }
            }
            for e in 0..<x.count {
                switch method {
                case .linear:
                    expected[e] = Float(weights[0] * Double(m[0][e]) + weights[1] * Double(m[1][e]))
                case .taskArithmetic, .dare:
                    expected[e] = Float(Double(x[e]) + weights[0] * Double(deltas[0][e]) + weights[1] * Double(deltas[1][e]))
                case .ties, .dareTies:
                    let mass = weights[0] * Double(deltas[0][e]) + weights[1] * Double(deltas[1][e])
                    var sum = 0.0, total = 0.0
                    for i in 0..<2 where deltas[i][e] != 0 && (deltas[i][e] > 0) == (mass > 0) && mass != 0 {
                        sum += weights[i] * Double(deltas[i][e])
                        total += weights[i]
                    }
                    expected[e] = Float(Double(x[e]) + (total == 0 ? 0 : sum / total))
                }
            }
            let difference = maxDifference(try values(out, name), expected)
            let tolerance: Float = 1e-5
            #expect(difference <= tolerance, "\(method) \(name): max difference \(difference)")
        }
    }

    @Test("the output loads with provenance keys and the requested encoding")
    func provenance() throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1), a = try fixture.model("a", seed: 2, type: .q8_0)
        let out = fixture.path("out.gguf")
        let report = try ModelMerge.merge(base: base, models: [a], weights: [0.5], method: .dareTies, outputType: .q8_0, output: out)
        let file = try GGUFFile.open(path: out)
        #expect(file.string("minos.merge.method") == "dare_ties")
        #expect(file.floatArray("minos.merge.weights") == [0.5])
        #expect(file.stringArray("minos.merge.inputs") == ["\(report.fingerprints[1]) \(a)"])
        #expect(file.string("minos.merge.base") == "\(report.fingerprints[0]) \(base)")
        #expect(file.string("general.architecture") == "llama")
        #expect(file.tensor(named: "blk.0.attn_q.weight")?.type == .q8_0)
        #expect(file.tensor(named: "output_norm.weight")?.type == .f32)
        let baseFingerprint = ModelMerge.fingerprint(try GGUFFile.open(path: base))
        #expect(report.fingerprints[0] == baseFingerprint)
        #expect(report.fingerprints[0] != report.fingerprints[1])
    }

    @Test("mismatched architecture, shape and vocabulary are refused, naming the mismatch")
    func mismatches() throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1)
        let cases: [(String, String)] = [
            (try fixture.model("qwen", seed: 2, architecture: "qwen2"), "architecture"),
            (try fixture.model("wide", seed: 2, embedding: 64), "shape"),
            (try fixture.model("vocab", seed: 2, vocabulary: 320), "vocabulary"),
        ]
        for (path, what) in cases {
            let out = fixture.path("out-\(what).gguf")
            #expect {
                _ = try ModelMerge.merge(base: base, models: [path], weights: [1], method: .taskArithmetic, output: out)
            } throws: { error in
                guard case MergeError.mismatch(let kind, let message) = error else { return false }
                return kind == what && message.contains(path)
            }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test("a cancelled or failed merge leaves no file behind")
    func noPartialFile() throws {
        let fixture = try Fixture()
        let base = try fixture.model("base", seed: 1), a = try fixture.model("a", seed: 2)
        let out = fixture.path("out.gguf")
        var checks = 0
        #expect(throws: MergeError.cancelled) {
            _ = try ModelMerge.merge(base: base, models: [a], weights: [1], method: .ties, output: out,
                                     cancelled: { checks += 1; return checks > 3 })
        }
        #expect(Set(fixture.entries) == ["base.gguf", "a.gguf"])
        let missing = fixture.path("no/such/dir/out.gguf")
        #expect(throws: MergeError.self) {
            _ = try ModelMerge.merge(base: base, models: [a], weights: [1], method: .linear, output: missing)
        }
        #expect(throws: MergeError.invalidArgument(field: "base", message: "ties needs a base model")) {
            _ = try ModelMerge.merge(base: nil, models: [a], weights: [1], method: .ties, output: out)
        }
        var progress: [Int] = []
        _ = try ModelMerge.merge(base: base, models: [a], weights: [1], method: .linear, output: out,
                                 progress: { done, _ in progress.append(done) })
        let tensorCount = try GGUFFile.open(path: base).tensors.count
        #expect(progress == Array(1...tensorCount))
        #expect(Set(fixture.entries) == ["base.gguf", "a.gguf", "out.gguf"])
    }
}
