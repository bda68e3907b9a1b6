// The per-tensor merge operators, on flat f32 tensors, as pure functions so tests can check them
// on hand-built vectors: linear, task arithmetic, TIES (trim, elect sign, disjoint mean) and DARE
// (drop and rescale). References: Ilharco et al. 2023 (task arithmetic), Yadav et al. 2023 (TIES),
// Yu et al. 2024 (DARE); Lu et al. 2024 (Online Merging Optimizers) builds on these operators.
// Sums are accumulated in Double and rounded to Float once per element.

import Kernels

/// The merge operators `ModelMerge` applies to each tensor.
package enum MergeOperators {
    /// Σ wᵢ·θᵢ, with the weights exactly as given (not normalized).
    package static func linear(_ models: [[Float]], weights: [Double]) -> [Float] {
        precondition(models.count == weights.count && !models.isEmpty, "one weight per model")
        let n = models[0].count
        var out = [Float](repeating: 0, count: n)
        for e in 0..<n {
            var sum = 0.0
            for (model, weight) in zip(models, weights) { sum += weight * Double(model[e]) }
            out[e] = Float(sum)
        }
        return out
    }

    /// The task vector δ = θ − base.
    package static func taskVector(_ model: [Float], base: [Float]) -> [Float] {
        precondition(model.count == base.count, "task vector of tensors of different sizes")
        return zip(model, base).map { $0 - $1 }
    }

    /// base + Σ wᵢ·δᵢ (task arithmetic, given the task vectors).
    package static func addTaskVectors(base: [Float], deltas: [[Float]], weights: [Double]) -> [Float] {
        precondition(deltas.count == weights.count, "one weight per task vector")
        var out = base
        for e in 0..<base.count {
            var sum = Double(base[e])
            for (delta, weight) in zip(deltas, weights) { sum += weight * Double(delta[e]) }
            out[e] = Float(sum)
        }
        return out
    }

    /// base + Σ wᵢ·(θᵢ − base), the difference taken in Double so weight 1 on one model gives it back.
    package static func taskArithmetic(base: [Float], models: [[Float]], weights: [Double]) -> [Float] {
        precondition(models.count == weights.count, "one weight per model")
        var out = base
        for e in 0..<base.count {
            let b = Double(base[e])
            var sum = b
            for (model, weight) in zip(models, weights) { sum += weight * (Double(model[e]) - b) }
            out[e] = Float(sum)
        }
        return out
    }

    /// TIES trim: keeps the `density` fraction of entries largest in magnitude (k = round(density·n),
    /// at least one when density > 0), zeroing the rest; among equal magnitudes at the cut, the
    /// earlier index is kept, so exactly k entries survive.
    package static func trim(_ delta: [Float], density: Double) -> [Float] {
        let n = delta.count
        let k = min(n, max(density > 0 ? 1 : 0, Int((density * Double(n)).rounded())))
        if k >= n { return delta }
        if k == 0 { return [Float](repeating: 0, count: n) }
        // The k-th largest magnitude by selection (linear on average), not a sort: tensors have
        // millions of entries. Everything above it survives, then the earliest entries equal to it.
        var magnitudes = delta.map { abs($0) }
        let threshold = kthLargest(&magnitudes, k)
        var above = 0
        for x in delta where abs(x) > threshold { above += 1 }
        var ties = k - above
        var out = [Float](repeating: 0, count: n)
        for (i, x) in delta.enumerated() {
            let m = abs(x)
            if m > threshold {
                out[i] = x
            } else if m == threshold, ties > 0 {
                out[i] = x
                ties -= 1
            }
        }
        return out
    }

    /// The k-th largest value of `values` (1-based), reordering them: Hoare-style quickselect with
    /// a median-of-three pivot.
    static func kthLargest(_ values: inout [Float], _ k: Int) -> Float {
        precondition(k >= 1 && k <= values.count)
        let target = k - 1   // index of the answer when sorted descending
        var low = 0, high = values.count - 1
        values.withUnsafeMutableBufferPointer { v in
            while low < high {
                let mid = low + (high - low) / 2
                // Median of three as the pivot value.
                let a = v[low], b = v[mid], c = v[high]
                let pivot = max(min(a, b), min(max(a, b), c))
                var i = low, j = high
                while i <= j {
                    while v[i] > pivot { i += 1 }
                    while v[j] < pivot { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now v[low...j] >= pivot >= v[i...high], and v[j+1..<i] == pivot.
                if target <= j {
                    high = j
                } else if target >= i {
                    low = i
                } else {
                    return
                }
            }
        }
        return values[target]
    }

    /// TIES sign election: per element, the sign (+1, −1 or 0) of Σ wᵢ·δᵢ (the summed mass).
    package static func electSigns(_ deltas: [[Float]], weights: [Double]) -> [Float] {
        precondition(deltas.count == weights.count && !deltas.isEmpty, "one weight per task vector")
        return (0..<deltas[0].count).map { e in
            var mass = 0.0
            for (delta, weight) in zip(deltas, weights) { mass += weight * Double(delta[e]) }
            return mass > 0 ? 1 : mass < 0 ? -1 : 0
        }
    }

    /// TIES disjoint merge: per element, the weighted mean Σ wᵢ·δᵢ / Σ wᵢ over the task vectors
    /// whose entry is nonzero and has the elected sign; 0 where none agrees (or their weights sum to 0).
    package static func disjointMean(_ deltas: [[Float]], weights: [Double], signs: [Float]) -> [Float] {
        precondition(deltas.count == weights.count, "one weight per task vector")
        return (0..<signs.count).map { e in
            var sum = 0.0, weightSum = 0.0
            for (delta, weight) in zip(deltas, weights) where delta[e] != 0 && (delta[e] > 0) == (signs[e] > 0) && signs[e] != 0 {
                sum += weight * Double(delta[e])
                weightSum += weight
            }
            return weightSum == 0 ? 0 : Float(sum / weightSum)
        }
    }

    /// TIES on task vectors already trimmed (or DARE-sparsified): elect signs, take the disjoint
    /// mean, and add it to `base`.
    package static func ties(base: [Float], deltas: [[Float]], weights: [Double]) -> [Float] {
        let signs = electSigns(deltas, weights: weights)
        let merged = disjointMean(deltas, weights: weights, signs: signs)
        return zip(base, merged).map { Float(Double($0) + Double($1)) }
    }

    /// DARE: drops each entry with probability `dropRate` (draws from `SplitMix64(seed:)`, one per
    /// entry in order) and multiplies survivors by 1/(1 − dropRate), so the expected value of each
    /// entry is unchanged. `dropRate` 0 returns `delta` unchanged. Precondition: 0 ≤ dropRate < 1.
    package static func dare(_ delta: [Float], dropRate: Double, seed: UInt64) -> [Float] {
        precondition(dropRate >= 0 && dropRate < 1, "drop rate \(dropRate) is outside [0, 1)")
        if dropRate == 0 { return delta }
        var rng = SplitMix64(seed: seed)
        let scale = 1 / (1 - dropRate)
        return delta.map { value in
            // 53 random bits as a uniform Double in [0, 1).
            let u = Double(rng.next() >> 11) * 0x1p-53
            return u < dropRate ? 0 : Float(Double(value) * scale)
        }
    }

    /// The DARE seed of one input's task vector for one tensor: the request's seed mixed with the
    /// tensor name and the input's position, so every (tensor, input) draws its own mask and the
    /// same request draws the same masks.
    package static func dareSeed(_ seed: UInt64, tensor: String, input: Int) -> UInt64 {
        var hash = FNV1a64()
        hash.update(Array(tensor.utf8))
        var mixer = SplitMix64(seed: seed ^ hash.value ^ (UInt64(input) &* 0x9E37_79B9_7F4A_7C15))
        return mixer.next()
    }
}

/// 64-bit FNV-1a, for input fingerprints and DARE seeds (Engine's `Hash64` is internal there).
package struct FNV1a64 {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
    }

    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// `value` as 16 lowercase hex digits.
    package var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
