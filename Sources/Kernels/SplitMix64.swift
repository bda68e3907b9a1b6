// SplitMix64: the one small seeded generator the project uses wherever it needs the same
// pseudo-random numbers on every run and platform (synthetic model weights, sampler seeding,
// test data and fuzz inputs).

import Foundation

public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits.
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal by Box–Muller in single precision.
    public mutating func normal() -> Float {
        let u = max(unit(), 1e-7), v = unit()
        return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
    }
}
