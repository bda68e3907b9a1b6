// Half-precision formats: IEEE 754 binary16 ("f16", GGML_TYPE_F16 and every f16 scale inside a
// quantized block) and bfloat16 ("bf16", GGML_TYPE_BF16: the top 16 bits of an f32).
//
// Conversions are done on bit patterns so they behave the same on every platform (Swift's
// `Float16` is unavailable on Intel macOS) and need no lookup tables.

/// Conversions between `Float` and the 16-bit float encodings GGUF tensors use.
public enum Half {
    /// The f32 value of an IEEE binary16 bit pattern. Exact for every input: normals, subnormals,
    /// signed zeros and infinities; a NaN stays a NaN with its payload in the top mantissa bits.
    @inline(__always)
    public static func float(fromF16 bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let magnitude = UInt32(bits & 0x7FFF)
        if magnitude >= 0x7C00 {
            // Exponent all ones: infinity (mantissa 0) or NaN.
            return Float(bitPattern: sign | 0x7F80_0000 | ((magnitude & 0x03FF) << 13))
        }
        // Put the 5-bit exponent and 10-bit mantissa where an f32 keeps them. Read as an f32 that
        // is the half's value times 2^(15 - 127) (a subnormal half becomes a subnormal f32 with the
        // same relation), so scaling by 2^112 is exact and yields the value.
        let rescaled = Float(bitPattern: magnitude << 13) * 0x1p112
        return Float(bitPattern: sign | rescaled.bitPattern)
    }

    /// The IEEE binary16 bit pattern nearest to `value`, ties to even (what GGML's
    /// `GGML_FP32_TO_FP16` and numpy's `astype(float16)` do). Values at or beyond 65520 become
    /// infinity; values at or below 2^-25 in magnitude become a signed zero; NaN stays a quiet NaN.
    @inline(__always)
    public static func f16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x007F_FFFF

        if exponent == 0xFF {
            // Infinity, or NaN: keep the top payload bits and set the quiet bit.
            if mantissa == 0 { return sign | 0x7C00 }
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }

        if halfExponent <= 0 {
            // Subnormal (or zero) half: value / 2^-24, rounded. Below 2^-25 everything rounds to 0
            // (an exponent this small also covers f32 zeros and subnormals).
            if halfExponent < -10 { return sign }
            let significand = mantissa | 0x0080_0000   // 24 bits with the implicit one
            let shift = UInt32(14 - halfExponent)      // 14...24
            var quotient = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && quotient & 1 == 1) {
                quotient += 1                          // may carry into the smallest normal: fine
            }
            return sign | UInt16(truncatingIfNeeded: quotient)
        }

        // Normal half: keep 10 of the 23 mantissa bits and round the 13 dropped ones.
        var result = UInt32(halfExponent) << 10 | (mantissa >> 13)
        let dropped = mantissa & 0x1FFF
        if dropped > 0x1000 || (dropped == 0x1000 && result & 1 == 1) {
            result += 1                                // a carry into the exponent is correct, up to inf
        }
        return sign | UInt16(truncatingIfNeeded: result)
    }

    /// The f32 value of a bfloat16 bit pattern (exact: bf16 is a truncated f32).
    @inline(__always)
    public static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value`, ties to even (GGML's
    /// `ggml_compute_fp32_to_bf16`). Rounding past the largest finite bf16 gives infinity; NaN
    /// stays a quiet NaN.
    @inline(__always)
    public static func bf16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (UInt64(bits) + UInt64(roundingBias)) >> 16)
    }
}
