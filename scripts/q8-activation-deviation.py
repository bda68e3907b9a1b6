#!/usr/bin/env python3
"""Independent numpy model of llama.cpp's q8 activation arithmetic on a Llama GGUF (issue 16, C):
how far q8-quantized activations move next-token log-probabilities from the f32 computation of
the same (dequantized) weights, for variants (Minos's q8 path, round-half-even, llama.cpp-like f16
KV cache and attention, and one matrix group left in f32 at a time). Supports Q4_1/Q8_0 weights
(SmolLM2-135M-Instruct.Q4_1.gguf). Needs `pip install gguf numpy`.

Usage: python3 scripts/q8-activation-deviation.py MODEL.gguf
"""
import numpy as np, sys
from gguf import GGUFReader, quants, GGMLQuantizationType as T
r = GGUFReader(sys.argv[1])
kv = {f.name: f for f in r.fields.values()}
def val(name):
    f = kv[name]; return f.parts[f.data[0]].tolist()[0] if len(f.data)==1 else None
L = val('llama.block_count'); E = val('llama.embedding_length'); H = val('llama.attention.head_count'); HKV = val('llama.attention.head_count_kv')
eps = val('llama.attention.layer_norm_rms_epsilon'); base = val('llama.rope.freq_base'); D = E // H
toks_field = kv['tokenizer.ggml.tokens']; vocab = [bytes(toks_field.parts[i]).decode('utf-8','replace') for i in toks_field.data]
tid = {t:i for i,t in enumerate(vocab)}
words = "The cat sat on the mat and looked out of the window at the birds in the garden . It was a warm day in the summer and the children were playing with a ball near the old house . Their mother called them in for dinner".split()
ids = [tid['Ġ'+w] if i and ('Ġ'+w) in tid else tid.get(w, tid.get('Ġ'+w)) for i,w in enumerate(words)]
ids = [i for i in ids if i is not None]
print('tokens', len(ids), L, E, H, HKV, D, base, eps, file=sys.stderr)
ten = {t.name: t for t in r.tensors}
def raw(name):
    t = ten[name]; return t.tensor_type, np.array(t.data).reshape(-1).view(np.uint8), [int(x) for x in t.shape]
def f16(x): return np.asarray(x, np.float32).astype(np.float16).astype(np.float32)
class Lin:
    def __init__(s, name):
        ty, b, shape = raw(name); cols, rows = shape[0], shape[1]
        s.type = ty; s.W = quants.dequantize(b, ty).reshape(rows, cols).astype(np.float32)
        if ty == T.Q4_1:
            blk = b.reshape(rows, cols // 32, 20)
            s.d = blk[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
            s.m = blk[..., 2:4].copy().view(np.float16)[..., 0].astype(np.float32)
            qs = blk[..., 4:]
            s.q = np.concatenate([qs & 15, qs >> 4], axis=-1).astype(np.float32)  # rows, nb, 32
        elif ty == T.Q8_0:
            blk = b.reshape(rows, cols // 32, 34)
            s.d = blk[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
            s.q = blk[..., 2:].copy().view(np.int8).astype(np.float32)
def q8(x, mode):
    # x: [T, cols] -> codes [T, nb, 32], f16 d, (q8_1) s
    xb = x.reshape(x.shape[0], -1, 32).astype(np.float32)
    amax = np.abs(xb).max(-1); d = (amax / np.float32(127)).astype(np.float32)
    idd = np.where(d != 0, np.float32(1) / np.where(d != 0, d, 1), 0).astype(np.float32)
    v = xb * idd[..., None]
    q = np.sign(v) * np.floor(np.abs(v) + 0.5) if mode == 'away' else np.round(v)
    return q, f16(d), f16(q.sum(-1) * d)
def linear(lin, x, mode):
    if mode is None: return x @ lin.W.T
    q, da, s = q8(x, mode)
    isum = np.einsum('tbi,rbi->trb', q.astype(np.float64), lin.q.astype(np.float64))  # exact ints
    y = np.einsum('trb,rb,tb->tr', isum, lin.d.astype(np.float64), da.astype(np.float64))
    if lin.type == T.Q4_1: y = y + np.einsum('rb,tb->tr', lin.m.astype(np.float64), s.astype(np.float64))
    return y.astype(np.float32)
def vec(name): return np.array(ten[name].data, np.float32).reshape(-1)
layers = []
for l in range(L):
    p = f'blk.{l}.'
    layers.append(dict(an=vec(p+'attn_norm.weight'), fn=vec(p+'ffn_norm.weight'), q=Lin(p+'attn_q.weight'), k=Lin(p+'attn_k.weight'),
                       v=Lin(p+'attn_v.weight'), o=Lin(p+'attn_output.weight'), g=Lin(p+'ffn_gate.weight'), u=Lin(p+'ffn_up.weight'), dn=Lin(p+'ffn_down.weight')))
emb = Lin('token_embd.weight'); onorm = vec('output_norm.weight')
def rms(x, w): return (x / np.sqrt((x.astype(np.float32)**2).mean(-1, keepdims=True) + eps)) * w
Tn = len(ids); pos = np.arange(Tn)
inv = base ** (-np.arange(0, D, 2) / D); ang = pos[:, None] * inv[None]; cos, sin = np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)
def rope(x):  # x [T, heads, D], adjacent pairs (GGML NORM)
    a, b = x[..., 0::2], x[..., 1::2]; c, s_ = cos[:, None], sin[:, None]
    out = np.empty_like(x); out[..., 0::2] = a * c - b * s_; out[..., 1::2] = a * s_ + b * c; return out
def forward(mode, kvf16=False, skip=()):
    x = emb.W[ids].copy()
    for ly in layers:
        m = lambda name: None if name in skip else mode
        h = rms(x, ly['an'])
        q = rope(linear(ly['q'], h, m('qkv')).reshape(Tn, H, D)); k = rope(linear(ly['k'], h, m('qkv')).reshape(Tn, HKV, D)); v = linear(ly['v'], h, m('qkv')).reshape(Tn, HKV, D)
        if kvf16: k, v, q = f16(k), f16(v), f16(q)
        att = np.zeros((Tn, H, D), np.float32)
        for hh in range(H):
            kk, vv = k[:, hh // (H // HKV)], v[:, hh // (H // HKV)]
            sc = (q[:, hh] @ kk.T) / np.sqrt(D); sc = np.where(np.tril(np.ones((Tn, Tn))) > 0, sc, -np.inf)
            p = np.exp(sc - sc.max(-1, keepdims=True)); p /= p.sum(-1, keepdims=True)
            if kvf16: p = f16(p)
            att[:, hh] = p @ vv
        x = x + linear(ly['o'], att.reshape(Tn, E), m('o'))
        h = rms(x, ly['fn'])
        g = linear(ly['g'], h, m('gu')); u = linear(ly['u'], h, m('gu'))
        a = g / (1 + np.exp(-g)) * u
        x = x + linear(ly['dn'], a, m('down'))
    h = rms(x, onorm)
    lg = linear(emb, h, m('out')).astype(np.float64)
    return lg - np.log(np.exp(lg - lg.max(-1, keepdims=True)).sum(-1, keepdims=True)) - lg.max(-1, keepdims=True)
ref = forward(None)
nxt = np.array(ids[1:])
def report(name, lp):
    dt = np.abs(lp[np.arange(Tn - 1), nxt] - ref[np.arange(Tn - 1), nxt])
    kl = (np.exp(ref) * (ref - lp)).sum(-1).mean()
    print(f'{name:40s} max|dlogp| {dt.max():.3f}  mean {dt.mean():.4f}  KL {kl:.5f}  argmax-agree {(lp.argmax(-1)==ref.argmax(-1)).mean():.3f}', flush=True)
report('f32 with f16 KV (llama.cpp KV only)', forward(None, kvf16=True))
report('q8 all, ties away (Minos)', forward('away'))
report('q8 all, ties even', forward('even'))
report('q8 all + f16 KV/attn (llama.cpp-like)', forward('away', kvf16=True))
for sk in ['out', 'down', 'qkv', 'o', 'gu']:
    report(f'q8 all but {sk}', forward('away', skip=(sk,)))
