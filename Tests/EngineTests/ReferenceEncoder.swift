import Foundation
import GGUF
import Kernels

/// A deliberately plain BERT forward pass for checking the engine's `Encoder`: metadata keys and
/// tensor names written out here as llama.cpp spells them, every weight dequantized to f32 up
/// front, loops written out, sums in Double, GELU with erf. It shares no code with the engine
/// beyond the GGUF reader and the dequantizer.
struct ReferenceEncoder {
    let file: GGUFFile
    let width: Int, layers: Int, heads: Int, feedForward: Int
    let epsilon: Double

    init(file: GGUFFile) {
        self.file = file
        width = file.integer("bert.embedding_length")!
        layers = file.integer("bert.block_count")!
        heads = file.integer("bert.attention.head_count")!
        feedForward = file.integer("bert.feed_forward_length")!
        epsilon = file.float("bert.attention.layer_norm_epsilon")!
    }

    func tensor(_ name: String) -> [Float] {
        let info = file.tensor(named: name)!
        var out = [Float](repeating: 0, count: info.elementCount)
        out.withUnsafeMutableBufferPointer { Dequantize.row(info.type, from: file.data(for: info).baseAddress!, into: $0.baseAddress!, count: info.elementCount) }
        return out
    }

    /// Row `index` of a [rows × width] table.
    func row(_ table: [Float], _ index: Int, width: Int) -> [Float] { Array(table[(index * width)..<((index + 1) * width)]) }

    /// W x + b, W row-major [rows × x.count].
    func affine(_ w: [Float], _ b: [Float], _ x: [Float]) -> [Float] {
        (0..<b.count).map { r in
            var s = Double(b[r])
            for j in x.indices { s += Double(w[r * x.count + j]) * Double(x[j]) }
            return Float(s)
        }
    }

    func layerNorm(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
        let n = Double(x.count)
        let mean = x.reduce(0.0) { $0 + Double($1) } / n
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return x.indices.map { Float((Double(x[$0]) - mean) / (variance + epsilon).squareRoot()) * w[$0] + b[$0] }
    }

    /// The last layer's state of every token of one text.
    func hiddenStates(_ tokens: [Int32]) -> [[Float]] {
        let e = width, d = width / heads
        let (words, positions, types) = (tensor("token_embd.weight"), tensor("position_embd.weight"), tensor("token_types.weight"))
        var xs: [[Float]] = tokens.enumerated().map { p, token in
            let (w, q, t) = (row(words, Int(token), width: e), row(positions, p, width: e), row(types, 0, width: e))
            return (0..<e).map { w[$0] + q[$0] + t[$0] }
        }
        xs = xs.map { layerNorm($0, tensor("token_embd_norm.weight"), tensor("token_embd_norm.bias")) }
        for l in 0..<layers {
            var weights: [String: [Float]] = [:]
            for name in ["attn_q.weight", "attn_q.bias", "attn_k.weight", "attn_k.bias", "attn_v.weight", "attn_v.bias",
                         "attn_output.weight", "attn_output.bias", "attn_output_norm.weight", "attn_output_norm.bias",
                         "ffn_up.weight", "ffn_up.bias", "ffn_down.weight", "ffn_down.bias",
                         "layer_output_norm.weight", "layer_output_norm.bias"] {
                weights[name] = tensor("blk.\(l).\(name)")
            }
            func t(_ name: String) -> [Float] { weights[name]! }
            let qs = xs.map { affine(t("attn_q.weight"), t("attn_q.bias"), $0) }
            let ks = xs.map { affine(t("attn_k.weight"), t("attn_k.bias"), $0) }
            let vs = xs.map { affine(t("attn_v.weight"), t("attn_v.bias"), $0) }
            for i in xs.indices {
                var attended = [Float](repeating: 0, count: e)
                for h in 0..<heads {
                    let scores: [Double] = xs.indices.map { j in
                        var s = 0.0
                        for c in 0..<d { s += Double(qs[i][h * d + c]) * Double(ks[j][h * d + c]) }
                        return s / Double(d).squareRoot()
                    }
                    let top = scores.max()!
                    let probabilities = scores.map { exp($0 - top) }
                    let total = probabilities.reduce(0, +)
                    for c in 0..<d {
                        var s = 0.0
                        for j in xs.indices { s += probabilities[j] / total * Double(vs[j][h * d + c]) }
                        attended[h * d + c] = Float(s)
                    }
                }
                let projected = affine(t("attn_output.weight"), t("attn_output.bias"), attended)
                xs[i] = layerNorm(zip(xs[i], projected).map(+), t("attn_output_norm.weight"), t("attn_output_norm.bias"))
                let up = affine(t("ffn_up.weight"), t("ffn_up.bias"), xs[i]).map { v in
                    Float(0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot())))
                }
                let down = affine(t("ffn_down.weight"), t("ffn_down.bias"), up)
                xs[i] = layerNorm(zip(xs[i], down).map(+), t("layer_output_norm.weight"), t("layer_output_norm.bias"))
            }
        }
        return xs
    }

    /// Mean, first or last token state of one text.
    func pooled(_ tokens: [Int32], _ pooling: String) -> [Float] {
        let states = hiddenStates(tokens)
        switch pooling {
        case "cls": return states[0]
        case "last": return states[states.count - 1]
        default: return (0..<width).map { c in Float(states.reduce(0.0) { $0 + Double($1[c]) } / Double(states.count)) }
        }
    }
}
