import Foundation
import GGUF
import Kernels
import Models

/// A deliberately plain forward pass for checking the engine: every weight dequantized to f32 up
/// front, no cache, every position recomputed from scratch, loops written out. It shares only the
/// numeric hyperparameters with the engine; which parts each architecture has (RoPE pairing,
/// biases, QK-norm) it decides for itself from the architecture name and the tensors present.
struct ReferenceForward {
    let c: ModelConfiguration
    let file: GGUFFile
    /// Llama pairs adjacent dimensions (GGML permutes its Q/K rows); Qwen2 and Qwen3 rotate halves.
    let rotatesHalves: Bool

    init(file: GGUFFile) throws {
        self.file = file
        c = try ArchitectureRegistry.load(file).configuration
        rotatesHalves = ["qwen2", "qwen3"].contains(file.string("general.architecture") ?? "")
    }

    func tensor(_ name: String) -> [Float] {
        let info = file.tensor(named: name)!
        var out = [Float](repeating: 0, count: info.elementCount)
        out.withUnsafeMutableBufferPointer { Dequantize.row(info.type, from: file.data(for: info).baseAddress!, into: $0.baseAddress!, count: info.elementCount) }
        return out
    }

    func optionalTensor(_ name: String) -> [Float]? { file.tensor(named: name) == nil ? nil : tensor(name) }

    /// W (rows × columns, row-major) times x.
    func matvec(_ w: [Float], _ x: [Float], rows: Int) -> [Float] {
        let columns = x.count
        return (0..<rows).map { r in
            var s: Float = 0
            for j in 0..<columns { s += w[r * columns + j] * x[j] }
            return s
        }
    }

    func norm(_ x: [Float], _ w: [Float]) -> [Float] {
        let mean = x.map { $0 * $0 }.reduce(0, +) / Float(x.count)
        let inv = 1 / (mean + c.rmsNormEpsilon).squareRoot()
        return zip(x, w).map { $0 * inv * $1 }
    }

    func rope(_ head: [Float], position: Int) -> [Float] {
        var out = head
        let n = c.ropeDimensionCount
        for i in 0..<(n / 2) {
            let theta = Float(position) * pow(c.ropeFrequencyBase, -Float(2 * i) / Float(n))
            let (a, b) = rotatesHalves ? (i, i + n / 2) : (2 * i, 2 * i + 1)
            out[a] = head[a] * cos(theta) - head[b] * sin(theta)
            out[b] = head[a] * sin(theta) + head[b] * cos(theta)
        }
        return out
    }

    /// Logits at every position of `tokens` (row-major [positions × vocabulary]).
    func logits(_ tokens: [Int32]) -> [[Float]] {
        let output = optionalTensor(TensorName.output) ?? tensor(TensorName.tokenEmbedding)
        return hiddenStates(tokens).map { matvec(output, $0, rows: c.vocabularySize) }
    }

    /// The last layer's state at every position of `tokens`, after the output norm.
    func hiddenStates(_ tokens: [Int32]) -> [[Float]] {
        let e = c.embeddingLength, d = c.headDimension
        let embedding = tensor(TensorName.tokenEmbedding)
        var xs: [[Float]] = tokens.map { Array(embedding[(Int($0) * e)..<(Int($0) * e + e)]) }
        for layer in 0..<c.blockCount {
            let n = TensorName.Block(layer)
            let (wq, wk, wv, wo) = (tensor(n.query), tensor(n.key), tensor(n.value), tensor(n.output))
            let (bq, bk, bv) = (optionalTensor(n.queryBias), optionalTensor(n.keyBias), optionalTensor(n.valueBias))
            let (qn, kn) = (optionalTensor(n.queryNorm), optionalTensor(n.keyNorm))
            var qs: [[Float]] = [], ks: [[Float]] = [], vs: [[Float]] = []
            for (t, x) in xs.enumerated() {
                let h = norm(x, tensor(n.attentionNorm))
                var q = matvec(wq, h, rows: c.queryWidth), k = matvec(wk, h, rows: c.keyValueWidth)
                var v = matvec(wv, h, rows: c.keyValueWidth)
                if let bq { q = zip(q, bq).map(+) }
                if let bk { k = zip(k, bk).map(+) }
                if let bv { v = zip(v, bv).map(+) }
                var rq: [Float] = [], rk: [Float] = []
                for head in 0..<c.headCount {
                    var part = Array(q[(head * d)..<(head * d + d)])
                    if let qn { part = norm(part, qn) }
                    rq += rope(part, position: t)
                }
                for head in 0..<c.headCountKV {
                    var part = Array(k[(head * d)..<(head * d + d)])
                    if let kn { part = norm(part, kn) }
                    rk += rope(part, position: t)
                }
                qs.append(rq); ks.append(rk); vs.append(v)
            }
            for t in xs.indices {
                var attended = [Float](repeating: 0, count: c.queryWidth)
                for head in 0..<c.headCount {
                    let kvHead = head / (c.headCount / c.headCountKV)
                    var scores: [Float] = (0...t).map { j in
                        var s: Float = 0
                        for i in 0..<d { s += qs[t][head * d + i] * ks[j][kvHead * d + i] }
                        return s / Float(d).squareRoot()
                    }
                    let m = scores.max()!
                    scores = scores.map { exp($0 - m) }
                    let total = scores.reduce(0, +)
                    for j in 0...t {
                        for i in 0..<d { attended[head * d + i] += scores[j] / total * vs[j][kvHead * d + i] }
                    }
                }
                let projected = matvec(wo, attended, rows: e)
                xs[t] = zip(xs[t], projected).map(+)
                let h = norm(xs[t], tensor(n.feedForwardNorm))
                let gate = matvec(tensor(n.gate), h, rows: c.feedForwardLength)
                let up = matvec(tensor(n.up), h, rows: c.feedForwardLength)
                let act = zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
                xs[t] = zip(xs[t], matvec(tensor(n.down), act, rows: e)).map(+)
            }
        }
        return xs.map { norm($0, tensor(TensorName.outputNorm)) }
    }
}

/// The largest difference between two equally long vectors, relative to the largest magnitude.
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = max(a.map(abs).max() ?? 1, 1e-6)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}
