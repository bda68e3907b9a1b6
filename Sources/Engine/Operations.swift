import Foundation
import Kernels
import Models

/// The elementwise and per-row operations of the decoder, on raw f32 buffers.
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

    /// SiLU(gate) ⊙ up, in place into `gate`.
    @inline(__always)
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
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

    /// y[t, r] = W[r] · x[t] (+ bias[r]) for `tokens` rows of x, split over the pool by output row.
    static func linear(_ w: WeightMatrix, _ x: UnsafePointer<Float>, tokens: Int, bias: [Float]?,
                       _ y: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let rows = w.rows, columns = w.columns
        let xs = UnsafeSendable(UnsafeMutablePointer(mutating: x)), ys = UnsafeSendable(y)
        pool.parallelRanges(rows, minimum: 16) { range in
            for r in range {
                let row = w.row(r)
                let b = bias?[r] ?? 0
                for t in 0..<tokens {
                    ys.pointer[t * rows + r] = Dot.row(w.type, row, xs.pointer + t * columns, count: columns) + b
                }
            }
        }
    }
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

    /// Rotates the first `dimensions` values of one head at `position`.
    @inline(__always)
    func apply(_ head: UnsafeMutablePointer<Float>, position: Int32) {
        let p = Float(position) / scale
        let half = dimensions / 2
        for i in 0..<half {
            let angle = p * inverseFrequencies[i]
            let c = cos(angle), s = sin(angle)
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
