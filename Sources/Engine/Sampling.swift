import Foundation
import Kernels

/// How the next token is chosen. Defaults follow llama.cpp's sampler (temperature 0.8, top-k 40,
/// top-p 0.95, min-p 0.05); temperature 0 is greedy.
public struct SamplingParameters: Sendable, Equatable {
    public var temperature: Double = 0.8
    /// Keep the k most likely tokens (0 or nil: all).
    public var topK: Int? = 40
    /// Keep the smallest set whose probability reaches p (1: all).
    public var topP: Double? = 0.95
    /// Drop tokens less likely than min-p times the most likely one (0: none).
    public var minP: Double? = 0.05
    /// Divides positive logits (multiplies negative ones) of tokens seen in the last `penaltyWindow`.
    public var repetitionPenalty: Double = 1
    /// Subtracted from a seen token's logit once per occurrence.
    public var frequencyPenalty: Double = 0
    /// Subtracted from a seen token's logit once.
    public var presencePenalty: Double = 0
    /// How many recent tokens the penalties look at (0: none; -1: all).
    public var penaltyWindow: Int = 64
    /// The random seed: the same seed, prompt and parameters give the same text.
    public var seed: UInt64?

    public init() {}

    public init(temperature: Double, topK: Int?, topP: Double?, minP: Double?, repetitionPenalty: Double,
                frequencyPenalty: Double, presencePenalty: Double, penaltyWindow: Int, seed: UInt64?) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.penaltyWindow = penaltyWindow
        self.seed = seed
    }

    public static let greedy: SamplingParameters = {
        var p = SamplingParameters()
        p.temperature = 0
        return p
    }()

    /// Why the parameters are unusable, naming the field; nil when valid.
    public func problem() -> (field: String, message: String)? {
        if !(temperature >= 0 && temperature <= 100) { return ("temperature", "must be between 0 and 100") }
        if let k = topK, k < 0 { return ("topK", "must not be negative") }
        if let p = topP, !(p > 0 && p <= 1) { return ("topP", "must be in (0, 1]") }
        if let p = minP, !(p >= 0 && p <= 1) { return ("minP", "must be in [0, 1]") }
        if !(repetitionPenalty > 0 && repetitionPenalty <= 10) { return ("repetitionPenalty", "must be in (0, 10]") }
        if !(abs(frequencyPenalty) <= 10) { return ("frequencyPenalty", "must be in [-10, 10]") }
        if !(abs(presencePenalty) <= 10) { return ("presencePenalty", "must be in [-10, 10]") }
        if penaltyWindow < -1 { return ("penaltyWindow", "must be -1 (all), 0, or positive") }
        return nil
    }
}

/// xoshiro256** seeded through SplitMix64: fast, and the same on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// A uniform Double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// Chooses tokens from logits: penalties, then top-k, top-p and min-p on the probabilities, then
/// temperature, then a draw (llama.cpp's default order).
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var generator: SeededGenerator

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        generator = SeededGenerator(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
    }

    /// The next token given `logits` (one per vocabulary entry) and the tokens so far.
    public mutating func sample(_ logits: [Float], history: [Int32]) -> Int32 {
        var logits = logits
        applyPenalties(&logits, history: history)
        if parameters.temperature == 0 { return Int32(Self.argmax(logits)) }

        // Candidates sorted by logit, most likely first.
        var candidates = logits.indices.map { (Int32($0), logits[$0]) }
        if let k = parameters.topK, k > 0, k < candidates.count {
            candidates = Self.topK(candidates, k)
        } else {
            candidates.sort { $0.1 > $1.1 }
        }
        var probabilities = Self.softmax(candidates.map(\.1))
        if let p = parameters.topP, p < 1 {
            var total = 0.0, keep = candidates.count
            for (i, prob) in probabilities.enumerated() {
                total += prob
                if total >= p { keep = i + 1; break }
            }
            candidates.removeSubrange(keep...)
            probabilities.removeSubrange(keep...)
        }
        if let m = parameters.minP, m > 0, let best = probabilities.first {
            let keep = max(1, probabilities.prefix { $0 >= m * best }.count)
            candidates.removeSubrange(keep...)
        }
        // Temperature on what is left, then draw.
        let scaled = Self.softmax(candidates.map { Float(Double($0.1) / parameters.temperature) })
        var r = generator.unit()
        for (candidate, p) in zip(candidates, scaled) {
            r -= p
            if r < 0 { return candidate.0 }
        }
        return candidates.last!.0
    }

    private func applyPenalties(_ logits: inout [Float], history: [Int32]) {
        let p = parameters
        guard p.repetitionPenalty != 1 || p.frequencyPenalty != 0 || p.presencePenalty != 0, p.penaltyWindow != 0 else { return }
        let window = p.penaltyWindow < 0 ? history[...] : history.suffix(p.penaltyWindow)
        var counts: [Int32: Int] = [:]
        for token in window { counts[token, default: 0] += 1 }
        for (token, count) in counts where Int(token) < logits.count {
            var logit = Double(logits[Int(token)])
            logit = logit > 0 ? logit / p.repetitionPenalty : logit * p.repetitionPenalty
            logit -= Double(count) * p.frequencyPenalty + p.presencePenalty
            logits[Int(token)] = Float(logit)
        }
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    static func softmax(_ logits: [Float]) -> [Double] {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { exp(Double($0 - maximum)) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// The k largest by logit, sorted descending, without sorting the whole vocabulary.
    static func topK(_ candidates: [(Int32, Float)], _ k: Int) -> [(Int32, Float)] {
        var heap: [(Int32, Float)] = []   // min-heap on logit
        heap.reserveCapacity(k)
        func siftDown(_ i: Int) {
            var i = i
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].1 < heap[m].1 { m = l }
                if r < heap.count && heap[r].1 < heap[m].1 { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for c in candidates {
            if heap.count < k {
                heap.append(c)
                var i = heap.count - 1
                while i > 0 && heap[(i - 1) / 2].1 > heap[i].1 {
                    heap.swapAt(i, (i - 1) / 2)
                    i = (i - 1) / 2
                }
            } else if c.1 > heap[0].1 {
                heap[0] = c
                siftDown(0)
            }
        }
        return heap.sorted { $0.1 > $1.1 }
    }
}
