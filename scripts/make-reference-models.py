#!/usr/bin/env python3
"""Writes tiny GGUF models with the official `gguf` Python package and their logits from a NumPy
forward pass: an independent writer and an independent implementation to check Minos against.

    pip install gguf==0.19.0 numpy && python3 scripts/make-reference-models.py

Output (committed, a few KB each): Tests/EngineTests/Fixtures/<arch>.gguf and <arch>.json holding
the token ids and the logits at every position. The forward pass follows GGML's conventions: the
query/key rows of a `llama` file are stored permuted for RoPE on adjacent pairs; `qwen2` rotates
the two halves of each head and has query/key/value biases.
"""
import json
import os

import gguf
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Fixtures")
VOCAB, EMBED, LAYERS, FFN, HEADS, KV_HEADS, CONTEXT = 300, 32, 2, 64, 4, 2, 64
HEAD = EMBED // HEADS
EPS, BASE = 1e-5, 10000.0
TOKENS = [1, 17, 250, 3, 99, 42, 7, 128, 5, 260]


def byte_tokens():
    # GPT-2's printable stand-ins for bytes, then merged letter pairs up to VOCAB, then EOS.
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    mapping, extra = {}, 0
    for b in range(256):
        if b in printable:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    tokens = [mapping[b] for b in range(256)]
    merges = []
    letters = "etaoinshrdlucmfwyp"
    for a in letters:
        for b in letters:
            if len(tokens) == VOCAB - 1:
                break
            tokens.append(a + b)
            merges.append(a + " " + b)
    tokens.append("<|endoftext|>")
    types = [1] * (VOCAB - 1) + [3]
    return tokens, types, merges


def rms_norm(x, w):
    return x / np.sqrt(np.mean(x * x) + EPS) * w


def rope(head, position, halves):
    out = head.copy()
    n = head.shape[0]
    for i in range(n // 2):
        theta = position * BASE ** (-2.0 * i / n)
        a, b = (i, i + n // 2) if halves else (2 * i, 2 * i + 1)
        out[a] = head[a] * np.cos(theta) - head[b] * np.sin(theta)
        out[b] = head[a] * np.sin(theta) + head[b] * np.cos(theta)
    return out


def forward(w, arch, tokens):
    halves = arch != "llama"
    xs = [w["token_embd.weight"][t].astype(np.float64) for t in tokens]
    for layer in range(LAYERS):
        p = "blk.%d." % layer
        qs, ks, vs = [], [], []
        for t, x in enumerate(xs):
            h = rms_norm(x, w[p + "attn_norm.weight"])
            q = w[p + "attn_q.weight"] @ h
            k = w[p + "attn_k.weight"] @ h
            v = w[p + "attn_v.weight"] @ h
            if arch == "qwen2":
                q, k, v = q + w[p + "attn_q.bias"], k + w[p + "attn_k.bias"], v + w[p + "attn_v.bias"]
            qs.append(np.concatenate([rope(q[i * HEAD:(i + 1) * HEAD], t, halves) for i in range(HEADS)]))
            ks.append(np.concatenate([rope(k[i * HEAD:(i + 1) * HEAD], t, halves) for i in range(KV_HEADS)]))
            vs.append(v)
        for t in range(len(xs)):
            out = np.zeros(HEADS * HEAD)
            for head in range(HEADS):
                kv = head // (HEADS // KV_HEADS)
                q = qs[t][head * HEAD:(head + 1) * HEAD]
                scores = np.array([q @ ks[j][kv * HEAD:(kv + 1) * HEAD] for j in range(t + 1)]) / np.sqrt(HEAD)
                p_ = np.exp(scores - scores.max())
                p_ /= p_.sum()
                out[head * HEAD:(head + 1) * HEAD] = sum(p_[j] * vs[j][kv * HEAD:(kv + 1) * HEAD] for j in range(t + 1))
            xs[t] = xs[t] + w[p + "attn_output.weight"] @ out
            h = rms_norm(xs[t], w[p + "ffn_norm.weight"])
            gate, up = w[p + "ffn_gate.weight"] @ h, w[p + "ffn_up.weight"] @ h
            xs[t] = xs[t] + w[p + "ffn_down.weight"] @ (gate / (1 + np.exp(-gate)) * up)
    out = w.get("output.weight", w["token_embd.weight"])
    return [out @ rms_norm(x, w["output_norm.weight"]) for x in xs]


def make(arch):
    rng = np.random.default_rng(7 if arch == "llama" else 11)
    shapes = {"token_embd.weight": (VOCAB, EMBED), "output_norm.weight": (EMBED,)}
    if arch == "llama":
        shapes["output.weight"] = (VOCAB, EMBED)
    for layer in range(LAYERS):
        p = "blk.%d." % layer
        shapes.update({p + "attn_norm.weight": (EMBED,), p + "attn_q.weight": (HEADS * HEAD, EMBED),
                       p + "attn_k.weight": (KV_HEADS * HEAD, EMBED), p + "attn_v.weight": (KV_HEADS * HEAD, EMBED),
                       p + "attn_output.weight": (EMBED, HEADS * HEAD), p + "ffn_norm.weight": (EMBED,),
                       p + "ffn_gate.weight": (FFN, EMBED), p + "ffn_up.weight": (FFN, EMBED),
                       p + "ffn_down.weight": (EMBED, FFN)})
        if arch == "qwen2":
            shapes.update({p + "attn_q.bias": (HEADS * HEAD,), p + "attn_k.bias": (KV_HEADS * HEAD,),
                           p + "attn_v.bias": (KV_HEADS * HEAD,)})
    weights = {}
    for name, shape in shapes.items():
        if name.endswith("norm.weight"):
            weights[name] = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:
            scale = 1.0 if name == "token_embd.weight" else 1 / np.sqrt(shape[-1])
            weights[name] = (scale * rng.standard_normal(shape)).astype(np.float32)
    # f16 storage for the big matrices, as converted models have; the reference uses the same rounding.
    for name in weights:
        if weights[name].ndim == 2 and name != "token_embd.weight":
            weights[name] = weights[name].astype(np.float16)

    path = os.path.join(OUT, arch + ".gguf")
    writer = gguf.GGUFWriter(path, arch)
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(EMBED)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_layer_norm_rms_eps(EPS)
    writer.add_rope_freq_base(BASE)
    tokens, types, merges = byte_tokens()
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2" if arch == "qwen2" else "llama-bpe")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_eos_token_id(VOCAB - 1)
    for name, array in weights.items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    logits = forward({k: v.astype(np.float64) for k, v in weights.items()}, arch, TOKENS)
    with open(os.path.join(OUT, arch + ".json"), "w") as f:
        json.dump({"generator": "scripts/make-reference-models.py", "gguf": "0.19.0", "numpy": np.__version__,
                   "tokens": TOKENS, "logits": [[round(float(v), 6) for v in row] for row in logits]}, f)
    print(arch, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for arch in ("llama", "qwen2"):
        make(arch)
