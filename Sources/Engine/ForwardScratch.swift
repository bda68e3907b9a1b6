import Kernels
import Models
import Synchronization

/// Activation buffers for forward passes of up to `batch` tokens, allocated once. A transformer's
/// calls are serialized (its model's queue), so one set is reused for every call.
final class ForwardScratch: @unchecked Sendable {
    let batch: Int
    let x, h, q, k, v, attended, gate, up: UnsafeMutablePointer<Float>
    /// Room for one batch of activations quantized to Q8 blocks or split into int8 terms
    /// (`SplitDot`); the widest input is the FFN's.
    let quantized: UnsafeMutableRawPointer
    let quantizedRowBytes: Int

    init(configuration c: ModelConfiguration, batch: Int) {
        self.batch = batch
        func floats(_ width: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: batch * width)
            p.initialize(repeating: 0, count: batch * width)
            return p
        }
        x = floats(c.embeddingLength)
        h = floats(c.embeddingLength)
        q = floats(c.queryWidth)
        k = floats(c.keyValueWidth)
        v = floats(c.keyValueWidth)
        attended = floats(c.queryWidth)
        gate = floats(c.feedForwardLength)
        up = floats(c.feedForwardLength)
        let widest = max(c.embeddingLength, c.feedForwardLength, c.queryWidth)
        let padded = (widest + 255) / 256 * 256
        quantizedRowBytes = max(GGMLType.allCases.compactMap { $0.byteCount(elements: padded) }.max()!,
                                SplitDot.byteCount(for: .q4_0, elements: padded, terms: .three),
                                SplitDot.byteCount(for: .q6_K, elements: padded, terms: .three))
        quantized = .allocate(byteCount: batch * quantizedRowBytes, alignment: 64)
    }

    deinit {
        for p in [x, h, q, k, v, attended, gate, up] { p.deallocate() }
        quantized.deallocate()
    }
}

/// Makes the scratch on first use.
final class ScratchStore: Sendable {
    private let scratch = Mutex<ForwardScratch?>(nil)

    func get(configuration: ModelConfiguration, batch: Int) -> ForwardScratch {
        scratch.withLock { stored in
            if let stored, stored.batch >= batch { return stored }
            let made = ForwardScratch(configuration: configuration, batch: batch)
            stored = made
            return made
        }
    }
}
