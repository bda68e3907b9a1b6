#!/usr/bin/env python3
"""Writes Tests/KernelsTests/Fixtures/QuantFixtures.swift: GGML blocks made and decoded by an
independent implementation (the `gguf` package's numpy quantizers, gguf-py in llama.cpp), which
KernelsTests compares Minos's kernels against.

For every type gguf.quants can encode (f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0) a case holds
numpy-generated f32 input, the bytes gguf encodes it to, and gguf's decoding of those bytes; the
tests check Minos's `Quantize.row` produces the same bytes and `Dequantize.row` the same floats.
For the types gguf can only decode (q2_K…q6_K, iq4_nl, iq4_xs) a case holds random block bytes
(with sane f16 scales) and gguf's decoding of them.

Usage (needs `pip install gguf numpy`; run from anywhere, output is deterministic for a given
gguf/numpy version):  python3 scripts/make-quant-fixtures.py
"""
import base64
import os
import textwrap
from importlib.metadata import version

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "KernelsTests",
                   "Fixtures", "QuantFixtures.swift")
rng = np.random.default_rng(20240611)


def legacy_input(specials: bool) -> np.ndarray:
    """16 blocks of 32: assorted magnitudes plus edge-case blocks."""
    blocks = []
    for b in range(16):
        scale = 10.0 ** rng.uniform(-3, 2)
        blocks.append(rng.standard_normal(32) * scale)
    blocks[0] = np.zeros(32)                                   # all zero: scale 0
    blocks[1] = np.full(32, 0.75)                              # constant
    blocks[2] = np.abs(blocks[2])                              # all positive
    blocks[3] = -np.abs(blocks[3])                             # all negative
    blocks[4][7] *= 40                                         # one outlier
    blocks[5][0], blocks[5][1] = 2.0, -2.0                     # +/- tie for the largest magnitude
    blocks[5][2:] = np.clip(blocks[5][2:], -1.9, 1.9)
    # Exact rounding ties: q8 (d = 1 from 127), q4_0/q4_1 (d = 1 from -8...7), q5_0/q5_1 (d = 1
    # from -16...15), so GGML's truncate(x/d + k + 0.5) rounding is pinned down.
    blocks[6] = np.concatenate([[-8.0, 127.0], np.arange(-15, 15) + 0.5])
    blocks[7] = np.concatenate([[-8.0], np.arange(-8, 7) + 0.5, np.arange(-7, 8), [7.0]])
    blocks[8] = np.concatenate([[-16.0], np.arange(-16, 14) + 0.5, [15.0]])
    x = np.concatenate(blocks).astype(np.float32)
    if specials:  # only for the plain float encodings
        x[-16:] = np.array([np.inf, -np.inf, np.nan, 65504, 65520, 65519.99, 6e-8, 2.98e-8,
                            1e-8, -0.0, 1.0 + 2**-11, 1.0 + 3 * 2**-11, 1.00390625, 3.0e38,
                            1.0 + 2**-8, 1.0 + 3 * 2**-8], dtype=np.float32)
    return x


def k_blocks(qtype: T, n_blocks: int) -> np.ndarray:
    """Random bytes for `n_blocks` super-blocks, with the f16 scales replaced by sane values."""
    block_size, type_size = quants.GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=(n_blocks, type_size), dtype=np.uint8)
    scale_offsets = {  # byte offsets of f16 d (and dmin) in each layout
        T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
        T.IQ4_NL: [0], T.IQ4_XS: [0],
    }[qtype]
    signed = qtype in (T.Q3_K, T.Q6_K, T.IQ4_NL, T.IQ4_XS)
    for b in range(n_blocks):
        for off in scale_offsets:
            value = rng.uniform(0.001, 0.05) * (rng.choice([-1, 1]) if signed else 1)
            raw[b, off:off + 2] = np.frombuffer(np.float16(value).tobytes(), dtype=np.uint8)
    return raw.reshape(-1)


def b64(array: np.ndarray) -> str:
    text = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()
    return "\n".join(textwrap.wrap(text, 96))


def case(name: str, count: int, input_: np.ndarray | None, encoded: np.ndarray,
         decoded: np.ndarray) -> str:
    fields = [f"type: .{name}", f"count: {count}"]
    parts = [("input", input_), ("encoded", encoded), ("decoded", decoded)]
    lines = [f"        QuantFixture(\n            {', '.join(fields)},"]
    for label, value in parts:
        if value is None:
            lines.append(f"            {label}: nil,")
        else:
            body = textwrap.indent(b64(value), " " * 16)
            lines.append(f'            {label}: """\n{body}\n                """,')
    lines[-1] = lines[-1].rstrip(",")
    lines.append("        ),")
    return "\n".join(lines)


def main() -> None:
    cases = []
    # f16: numpy's astype(float16) is the encoder gguf uses for F16.
    x = legacy_input(specials=True)
    with np.errstate(over="ignore"):  # 65520 and 3e38 overflow to inf on purpose
        enc = quants.quantize(x, T.F16).view(np.uint8)
    cases.append(case("f16", x.size, x, enc, quants.dequantize(enc, T.F16)))
    for name, qtype in [("bf16", T.BF16), ("q4_0", T.Q4_0), ("q4_1", T.Q4_1),
                        ("q5_0", T.Q5_0), ("q5_1", T.Q5_1), ("q8_0", T.Q8_0)]:
        x = legacy_input(specials=(qtype == T.BF16))
        enc = quants.quantize(x, qtype)
        cases.append(case(name, x.size, x, enc, quants.dequantize(enc, qtype)))
    for name, qtype in [("q2_K", T.Q2_K), ("q3_K", T.Q3_K), ("q4_K", T.Q4_K),
                        ("q5_K", T.Q5_K), ("q6_K", T.Q6_K)]:
        enc = k_blocks(qtype, 4)
        dec = quants.dequantize(enc, qtype)
        cases.append(case(name, dec.size, None, enc, dec))
    # appended last so the random stream of the earlier cases is unchanged
    for name, qtype, n_blocks in [("iq4_nl", T.IQ4_NL, 32), ("iq4_xs", T.IQ4_XS, 4)]:
        enc = k_blocks(qtype, n_blocks)
        dec = quants.dequantize(enc, qtype)
        cases.append(case(name, dec.size, None, enc, dec))

    generator = f"gguf {version('gguf')}, numpy {version('numpy')}"
    source = f"""// Generated by scripts/make-quant-fixtures.py with {generator}. Do not edit.
// GGML blocks encoded and decoded by the `gguf` Python package (gguf-py from llama.cpp), an
// implementation independent of Minos's kernels. Base64 of little-endian bytes: `input` and
// `decoded` are f32 arrays, `encoded` the blocks; `input` is nil where gguf only decodes.

import Kernels

enum QuantFixtures {{
    static let generator = "{generator}"

    static let cases: [QuantFixture] = [
{chr(10).join(cases)}
    ]
}}
"""
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(source)
    print(f"wrote {os.path.relpath(OUT)} ({len(source)} bytes, {len(cases)} cases, {generator})")


if __name__ == "__main__":
    main()
