import Foundation
import Kernels
import Models

/// The elementwise and per-row operations of the decoder and the encoder, on raw f32 buffers.
enum Operations {
    /// y = x / sqrt(mean(x²) + ε) ⊙ w, for one row of `count` values.
    @inline(__always)
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        count: Int, epsilon: Float) {
        var sum: Float = 0
        for i in 0..<count { sum += x[i] * x[i] }
        let scale = 1 / (sum / Float(count) + epsilon).squareRoot()
        for i in 0..<count { y[i] = x[i] * scale * weight[i] }
    }

    /// LayerNorm of one row: y = (x − mean) / sqrt(var + ε) ⊙ w + b (biased variance, as BERT).
    /// `x` and `y` may be the same row.
    @inline(__always)
    static func layerNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                          _ y: UnsafeMutablePointer<Float>, count: Int, epsilon: Float) {
        var sum: Float = 0
        for i in 0..<count { sum += x[i] }
        let mean = sum / Float(count)
        var squares: Float = 0
        for i in 0..<count { squares += (x[i] - mean) * (x[i] - mean) }
        let scale = 1 / (squares / Float(count) + epsilon).squareRoot()
        for i in 0..<count { y[i] = (x[i] - mean) * scale * weight[i] + bias[i] }
    }

    /// GELU in place, the exact form x·Φ(x) = x/2·(1 + erf(x/√2)).
    @inline(__always)
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let inverseRoot2: Float = 0.70710678118654752
        for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erf(x[i] * inverseRoot2)) }
    }

    /// SiLU(gate) ⊙ up, in place into `gate`.
    @inline(__always)
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        if VectorKernels.isAccelerated { return VectorKernels.swiGLU(gate, up, count: count) }
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + exp(-g)) * up[i]
        }
    }

    /// Softmax in place over `count` values; entries at -infinity get probability 0.
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for i in 0..<count where x[i] > maximum { maximum = x[i] }
        var sum: Float = 0
        for i in 0..<count {
            let e = x[i] == -.infinity ? 0 : exp(x[i] - maximum)
            x[i] = e
            sum += e
        }
        let inverse = 1 / sum
        for i in 0..<count { x[i] *= inverse }
    }

    /// x · y over `count` floats, eight lanes at a time.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var i = 0
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        while i + 16 <= count {
            a += xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * yr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            b += xr.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self) * yr.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (a + b).sum()
        while i < count { sum += x[i] * y[i]; i += 1 }
        return sum
    }

    /// y += a · x over `count` floats.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y)
        let scale = SIMD8<Float>(repeating: a)
        while i + 8 <= count {
            let updated = yr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + scale * xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            yr.storeBytes(of: updated, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { y[i] += a * x[i]; i += 1 }
    }

    /// y[t, r] = W[r] · x[t] (+ bias[r]) for `tokens` rows of x, split over the pool by output row.
    static func linear(_ w: WeightMatrix, _ x: UnsafeMutablePointer<Float>, tokens: Int, bias: [Float]?,
                       _ y: UnsafeMutablePointer<Float>, pool: WorkerPool, scratch: ForwardScratch,
                       precision: ActivationPrecision) {
        linear([LinearPart(w, bias: bias, y)], x, tokens: tokens, pool: pool, scratch: scratch, precision: precision)
    }

    /// One matrix of a `linear` call that several matrices share: its weights, bias and output.
    struct LinearPart {
        let w: WeightMatrix
        let bias: [Float]?
        let y: UnsafeMutablePointer<Float>
        init(_ w: WeightMatrix, bias: [Float]?, _ y: UnsafeMutablePointer<Float>) {
            self.w = w
            self.bias = bias
            self.y = y
        }
    }

    /// Every part's product with the same input x, in one parallel section over all their rows
    /// when they take the same route (q, k and v; gate and up): decoding issues a parallel
    /// section per call, and each costs a hand-off and whatever imbalance the split leaves.
    static func linear(_ parts: [LinearPart], _ x: UnsafeMutablePointer<Float>, tokens: Int, pool: WorkerPool,
                       scratch: ForwardScratch, precision: ActivationPrecision) {
        let routes = parts.map { LinearRoute($0.w, tokens: tokens, precision: precision) }
        guard routes.allSatisfy({ $0 == routes[0] }) else {
            for (part, route) in zip(parts, routes) { linear([part], [route], x, tokens: tokens, pool: pool, scratch: scratch) }
            return
        }
        linear(parts, routes, x, tokens: tokens, pool: pool, scratch: scratch)
    }

    /// `parts` (all of one route) in one parallel section.
    private static func linear(_ parts: [LinearPart], _ routes: [LinearRoute], _ x: UnsafeMutablePointer<Float>,
                               tokens: Int, pool: WorkerPool, scratch: ForwardScratch) {
        let route = routes[0]
        let xs = UnsafeSendable(x)
        let sendableParts = UnsafeSendableParts(parts)
        var q8: UnsafeRawSendable?
        let columns = parts[0].w.columns
        switch route {
        case .integer(let activation, let rowBytes):
            // Integer path: quantize each token's activations once; every weight row then reads them.
            for t in 0..<tokens {
                FastDot.quantizeActivations(activation, from: x + t * columns, into: scratch.quantized + t * rowBytes, count: columns)
            }
            q8 = UnsafeRawSendable(scratch.quantized)
        case .split(let type, let terms, let stride):
            for t in 0..<tokens {
                SplitDot.encode(x + t * columns, count: columns, for: type, terms: terms, into: scratch.quantized + t * stride)
            }
            q8 = UnsafeRawSendable(scratch.quantized)
        case .panels, .rows:
            break
        }
        let quantized = q8
        let total = parts.reduce(0) { $0 + $1.w.rows }
        pool.parallelRanges(total, minimum: 16) { range in
            var offset = 0
            for part in sendableParts.parts {
                let rows = part.w.rows
                let lower = max(range.lowerBound - offset, 0), upper = min(range.upperBound - offset, rows)
                offset += rows
                if lower >= upper { continue }
                let local = lower..<upper
                route.run(part, local, x: xs.pointer, tokens: tokens, quantized: quantized?.pointer)
                if let bias = part.bias {
                    for t in 0..<tokens { for r in local { part.y[t * rows + r] += bias[r] } }
                }
            }
        }
    }
}

/// How one matrix product runs: which kernels, chosen by weight type, batch and precision.
enum LinearRoute: Equatable {
    /// Activations quantized once per call (the q8 path), integer kernels over every row.
    case integer(GGMLType, rowBytes: Int)
    /// Decode on weights whose integer products beat decoding them to f32 (`SplitDot`): each
    /// token's activations split once per call, in the layout for the weight type, into three int8
    /// terms (exact) or rounded to one (q8), `stride` bytes apart.
    case split(GGMLType, SplitDot.Terms, stride: Int)
    /// Exact prefill: each panel of weight rows is decoded to f32 once and multiplied into every
    /// token (a matrix-matrix product), so decoding is paid once per batch.
    case panels
    /// Exact decode: blocks of rows stay in cache while every group of up to 8 tokens passes, so
    /// the weights are read from memory once per batch.
    case rows

    init(_ w: WeightMatrix, tokens: Int, precision: ActivationPrecision) {
        let activation = FastDot.activationType(for: w.type)
        // IQ4's table-lookup codes are slower against 8-bit activations than its exact row kernel
        // against f32 ones (vpermps on a table of value × scale), so decoding them stays exact on
        // the q8 path too: faster and closer to the f32 model. Batches take the integer matrix kernel.
        let exactIsFaster = (w.type == .iq4_nl || w.type == .iq4_xs) && tokens < FastDot.matrixMinimumVectors
        if tokens <= ExactDot.maxVectors, SplitDot.isAvailable(for: w.type) {
            let terms: SplitDot.Terms = precision == .q8 ? .one : .three
            self = .split(w.type, terms, stride: SplitDot.byteCount(for: w.type, elements: w.columns, terms: terms))
        } else if precision == .q8, activation != .f32, !exactIsFaster, let rowBytes = activation.byteCount(elements: w.columns) {
            self = .integer(activation, rowBytes: rowBytes)
        } else if tokens > 1, !ExactDot.isAccelerated(w.type) || (tokens > ExactDot.maxVectors && ExactMatrix.isAccelerated(w.type)) {
            // (An encoding with a fused row kernel but no panel decoder keeps the row loop.)
            // Batches of up to `maxVectors` tokens — sequences decoded together, a speculative
            // draft being checked — take the same row kernels as decoding one token, so each
            // token's result matches decoding it alone to within f32 round-off.
            self = .panels
        } else {
            self = .rows
        }
    }

    /// part.y[t * rows + r] = W[r] · x[t] for r in `range` (bias not added).
    func run(_ part: Operations.LinearPart, _ range: Range<Int>, x: UnsafeMutablePointer<Float>, tokens: Int,
             quantized: UnsafeMutableRawPointer?) {
        let w = part.w, rows = w.rows, columns = w.columns
        switch self {
        case .integer:
            FastDot.matrix(w.type, weights: w.base, rows: range, columns: columns, activations: quantized!,
                           vectors: tokens, results: part.y, resultStride: rows)
        case .split(_, let terms, let stride):
            SplitDot.block(w.type, weights: w.row(range.lowerBound), rowBytes: w.rowBytes, rows: range.count, count: columns,
                           terms: terms, activations: quantized!, stride: stride, vectors: tokens,
                           y: part.y + range.lowerBound, yStride: rows)
        case .panels:
            ExactMatrix.multiply(w.type, weights: w.base, rowBytes: w.rowBytes, rows: range, columns: columns,
                                 x: x, tokens: tokens, y: part.y, yStride: rows)
        case .rows:
            let group = ExactDot.maxVectors, block = 16
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(start + block, range.upperBound)
                var t0 = 0
                while t0 < tokens {
                    let n = min(group, tokens - t0)
                    ExactDot.block(w.type, weights: w.row(start), rowBytes: w.rowBytes, rows: end - start, count: columns,
                                   x: x + t0 * columns, xStride: columns, vectors: n, y: part.y + t0 * rows + start, yStride: rows)
                    t0 += n
                }
                start = end
            }
        }
    }
}

/// The parts of one `linear` call, handed to the workers, which write disjoint rows of each output.
private struct UnsafeSendableParts: @unchecked Sendable {
    let parts: [Operations.LinearPart]
    init(_ parts: [Operations.LinearPart]) { self.parts = parts }
}

/// How activations meet quantized weights in matrix products.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    /// f32 activations against weights decoded on the fly: results within f32 round-off of the
    /// reference forward pass. The default.
    case exact
    /// Activations quantized to 8-bit blocks and integer dot products, as llama.cpp does: faster for
    /// 4-bit weights, with logits typically within about 2% of the exact ones.
    case q8
}

struct UnsafeRawSendable: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}

/// Rotary position embedding tables for one model.
struct RotaryEmbedding: Sendable {
    let dimensions: Int
    let style: ModelConfiguration.RopeStyle
    let scale: Float
    /// θ_i = base^(-2i/d) / factor_i, for i in 0..<d/2.
    let inverseFrequencies: [Float]

    init(configuration c: ModelConfiguration, frequencyFactors: [Float]?) {
        dimensions = c.ropeDimensionCount
        style = c.ropeStyle
        scale = c.ropeScale
        inverseFrequencies = (0..<(c.ropeDimensionCount / 2)).map { i in
            let theta = pow(c.ropeFrequencyBase, -2 * Float(i) / Float(c.ropeDimensionCount))
            return theta / (frequencyFactors?[i] ?? 1)
        }
    }

    /// cos and sin of every rotation angle at `position`: `table[0..<d/2]` cosines, then sines.
    /// One table serves every head of every layer at that position.
    func angles(position: Int32, into table: UnsafeMutablePointer<Float>) {
        let p = Float(position) / scale
        let half = dimensions / 2
        for i in 0..<half {
            let angle = p * inverseFrequencies[i]
            table[i] = cos(angle)
            table[half + i] = sin(angle)
        }
    }

    /// Rotates the first `dimensions` values of one head by the angles of `angles(position:into:)`.
    @inline(__always)
    func apply(_ head: UnsafeMutablePointer<Float>, angles table: UnsafePointer<Float>) {
        let half = dimensions / 2
        for i in 0..<half {
            let c = table[i], s = table[half + i]
            let (a, b) = style == .normal ? (2 * i, 2 * i + 1) : (i, i + half)
            let x0 = head[a], x1 = head[b]
            head[a] = x0 * c - x1 * s
            head[b] = x0 * s + x1 * c
        }
    }
}

/// Wraps a pointer so `@Sendable` work items can share it. The callers partition the memory so
/// no two items write the same element.
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
