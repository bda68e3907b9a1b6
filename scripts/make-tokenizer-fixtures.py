#!/usr/bin/env python3
"""Generate the tokenizer fixtures used by Tests/TokenizersTests.

No real tokenizer files can be downloaded here, so this script TRAINS small tokenizers with
Hugging Face `tokenizers` (pip install tokenizers) on a local corpus (parts of the Python
standard library that ships with the interpreter running this script, plus multilingual
sentences written below), converts each one to the values a GGUF file would carry
(`tokenizer.ggml.tokens`, `.token_type`, `.merges`, `.scores`, special ids, flags) and records
the ids the HF tokenizer produces for a list of varied inputs.

Fixtures written to Tests/TokenizersTests/Fixtures/<name>.json:

  gpt2    byte-level BPE, ByteLevel pre-tokenizer with GPT-2's regex        (pre = "gpt2")
  llama3  byte-level BPE, Split(Llama 3 regex) + ByteLevel(use_regex=False),
          ignore_merges=True as in Llama 3's tokenizer.json                  (pre = "llama-bpe")
  qwen2   byte-level BPE, Split(Qwen2 regex) + ByteLevel(use_regex=False)    (pre = "qwen2")
  spm     SentencePiece-style BPE with byte_fallback (Llama 2 layout)        (model = "llama")

Every case stores `ids` (control-token strings treated as plain text, user-defined tokens still
split out, i.e. Minos' `parseSpecial: false`) and, when different, `ids_special` (added/special tokens recognised,
i.e. `parseSpecial: true`; this is HF's default behaviour). Neither includes BOS/EOS.
Byte-level cases also store `pieces`, the pre-tokenizer's split of the text (as raw text).

How the HF configurations were made to match GGUF/llama.cpp semantics:

* `ids` comes from a copy of the HF tokenizer with `encode_special_tokens = True` (special added
  tokens read as plain text, non-special ones still split out): like HF and llama.cpp, Minos always splits user-defined tokens out of the text, and control
  tokens only when asked to (`parseSpecial: true`).
* SentencePiece: HF's BPE model merges by merge *rank*, llama.cpp's SPM tokenizer merges the
  adjacent pair whose *result* has the highest score. The trained merges are turned into
  scores (score = -rank of the merge that created the token, like SentencePiece's ordering),
  and the HF tokenizer is then rebuilt with the merges regenerated from the vocabulary and
  scores (every split a+b of a token where a and b are tokens, ordered by the score of a+b),
  which is what transformers' SentencePiece converter does for Llama 2. The script checks
  the HF ids against a direct Python model of llama.cpp's SPM algorithm and aborts if they
  ever differ.
* SentencePiece uses the Llama 2 tokenizer.json layout (normalizer Prepend("▁") +
  Replace(" ", "▁"), no pre-tokenizer) rather than a `Metaspace` pre-tokenizer, because
  `Metaspace(prepend_scheme="always")` skips the "▁" prefix when the text already starts with a
  space, whereas SentencePiece and llama.cpp always add it (" Hi" -> "▁▁Hi").
  The byte tokens <0x00>..<0xFF> are model-vocabulary entries (ids 3..258), not added tokens.
* Added tokens are created with normalized=False, lstrip/rstrip=False, like llama.cpp, which
  matches their text verbatim.
* Qwen2's real tokenizer.json also has an NFC normalizer; llama.cpp (and Minos) do not
  normalize, so the qwen2 fixture has none.

Run from the repository root:  python3 scripts/make-tokenizer-fixtures.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import sysconfig

import tokenizers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import BPE
from tokenizers.trainers import BpeTrainer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "TokenizersTests", "Fixtures")

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"""
    r"""| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
QWEN2_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"""
    r"""| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

# GGUF token types
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

MULTILINGUAL = [
    "The quick brown fox jumps over the lazy dog. I'm sure it's fine, isn't it? We'll see; they'd agree.",
    "Le cœur a ses raisons que la raison ne connaît point. Ça va très bien, merci ! L'été à Montréal.",
    "Über den Wolken muss die Freiheit wohl grenzenlos sein. Straße, Größe, Mädchen, schön.",
    "¿Dónde está la biblioteca? El niño comió piña y jalapeños en el año pasado.",
    "Tiếng Việt có nhiều dấu thanh: à, á, ả, ã, ạ, ê, ô, ơ, ư, đ.",
    "Привет, мир! Как дела? Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Καλημέρα κόσμε! Η γλώσσα είναι ελληνική και όμορφη.",
    "مرحبا بالعالم. اللغة العربية جميلة جدا، وهي تكتب من اليمين إلى اليسار.",
    "שלום עולם! זה משפט בעברית.",
    "नमस्ते दुनिया! हिंदी एक सुंदर भाषा है।",
    "สวัสดีครับ ยินดีที่ได้รู้จัก",
    "你好，世界！今天天气很好，我们去公园散步吧。中文分词是一个有趣的问题。",
    "日本語のテキストです。東京は日本の首都です。ひらがなとカタカナと漢字。",
    "한국어 문장입니다. 서울은 대한민국의 수도입니다. 안녕하세요!",
    "Emoji: 😀 😃 😄 😁 👍 👍🏽 👍🏿 ❤️ 🎉 🚀 👨‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 🇺🇸 ✨ 🔥",
    "Numbers: 0 1 2 3 12 123 1234 3.14159 2,718 1_000_000 0x1F 1e-9 42% $19.99 €5 ¥100",
    "Math: x² + y² = z², ½ + ¼ = ¾, ∑ ∫ ∞ ≤ ≥ ≠ ± × ÷ √ π θ λ µ Ω",
    "Code: if (a && b) { return x->y; } else { x += 1; } // comment /* block */ #include <stdio.h>",
    "Türkçe: İstanbul, ığdır, şeker, çiçek, göz, üzüm.",
    "Polski: Zażółć gęślą jaźń. Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy.",
]

# Inputs for which the HF ids are recorded. Special-token strings for every fixture are appended
# per fixture (see special_cases()).
COMMON_CASES = [
    "",
    "Hello world",
    "Hello, world! How are you today?",
    " leading space",
    "  two leading spaces",
    "trailing space ",
    "trailing spaces   ",
    " ",
    "   ",
    "a  b   c    d     e",
    "\tindented\twith\ttabs",
    "\t\t\tdeep\t \t mixed",
    "line one\nline two\r\nline three\r\n\r\n\nend",
    "\n",
    "\n\n\n",
    " \n ",
    "\r\n",
    "x\n  \n  y",
    "text\n\n  indented after blank\n",
    "def fib(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\n\nprint([fib(i) for i in range(10)])\n",
    "class Stack:\n\tdef __init__(self):\n\t\tself.items = []  # trailing comment   \n\n\tdef push(self, x):\n\t\tself.items.append(x)\n",
    "struct Point: Sendable {\n    var x: Double\n    var y: Double\n\n    func distance(to other: Point) -> Double {\n        let dx = x - other.x, dy = y - other.y\n        return (dx * dx + dy * dy).squareRoot()\n    }\n}\n",
    "for (int i = 0; i < n; ++i) {\r\n    sum += a[i] * b[i];\r\n}\r\n",
    "1",
    "12",
    "123",
    "1234",
    "12345678901234567890",
    "3.14159 2.71828 1.41421",
    "1,000,000 and 1 000 000",
    "2024-05-01T12:34:56Z",
    "Call 555-0123 or +1 (800) 555-0199.",
    "Version 10.15.7, build 19H2, id a1b2c3d4e5",
    "٣٤٥ ١٢ Ⅻ ½ x² ⑦",
    "👍",
    "👍🏽👍🏿",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈 and 🇯🇵🇺🇸",
    "I ❤️ you 😀😀😀!",
    "Rocket 🚀🚀 launch 🎉",
    "你好，世界！",
    "日本語のテキストです。",
    "한국어 문장입니다.",
    "混合text和中文123数字",
    "café naïve résumé façade",
    "cafe\u0301 (decomposed)",
    "\u0301",
    "\u0301\u0301abc",
    "t\u0338\u0322e\u0335x\u0337t\u0336 zalgo",
    "I'm",
    "DON'T",
    "you're we've they'll he'd it's",
    "It'S ME'LL SHE'D WE'RE YOU'VE",
    "'s'",
    "rock 'n' roll",
    "O'Reilly's books",
    "it'\u017f old",
    "!!!???...",
    "--> <-- => <=",
    "a...b...c",
    "((x)) [[y]] {{z}}",
    "foo.bar();\n",
    "#!/usr/bin/env python3",
    "https://example.com/path/to/page?q=1&r=two#frag",
    "user@example.org",
    "مرحبا بالعالم",
    "Привет, мир!",
    "Καλημέρα κόσμε",
    "नमस्ते दुनिया",
    "สวัสดีครับ",
    "a\u0000b",
    "\u0000",
    "\x1b[31mred\x1b[0m",
    "a\u00a0b",
    "a\u3000b\u3000\u3000c",
    "x\u2028y\u2029z",
    "zero\u200bwidth\u200cjoiner",
    "\ufeffBOM",
    "\u0085next line",
    "ǅemal ß İstanbul ﬁne",
    "a" * 60,
    "=" * 80,
    "9" * 50,
    "ab" * 40,
]


def random_cases() -> list[str]:
    rng = random.Random(20240501)
    alphabet = (
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list(" \t\n\r  ")
        + list(".,;:!?'\"()[]{}<>-_=+*/\\|&^%$#@~`")
        + list("éüñçßøåæœ你好世界日本한국어абвгдежзαβγδ")
        + ["😀", "👍", "🏽", "\u200d", "\u0301", "\u00a0", "\u3000", "\u2028"]
    )
    cases = []
    for length in (8, 16, 40, 120, 400):
        cases.append("".join(rng.choice(alphabet) for _ in range(length)))
    # one long "word" (no separators) to exercise the heap-based merge path
    letters = "abcdefghijklmnopqrstuvwxyz"
    cases.append("".join(rng.choice(letters) for _ in range(300)))
    return cases


def special_cases(specials: list[str]) -> list[str]:
    cases = []
    for s in specials:
        cases.append(s)
        cases.append(f"Hello{s}world")
        cases.append(f" {s} spaced ")
    if len(specials) >= 2:
        a, b = specials[0], specials[1]
        cases.append(a + b + a)
        cases.append(f"{a}user\nHi there!{b}\n{a}assistant\n")
        cases.append(a[:-1])  # a truncated special token is plain text
        cases.append(a + a[:-1])
    return cases


def corpus_lines() -> list[str]:
    stdlib = sysconfig.get_paths()["stdlib"]
    lines: list[str] = []
    sources = [
        ("pydoc_data/topics.py", 320_000),
        ("textwrap.py", None),
        ("difflib.py", None),
        ("argparse.py", 60_000),
        ("json/decoder.py", None),
        ("heapq.py", None),
        ("string.py", None),
        ("statistics.py", 30_000),
    ]
    for rel, limit in sources:
        path = os.path.join(stdlib, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if limit is not None:
            text = text[:limit]
        lines.extend(text.splitlines(keepends=True))
    for _ in range(30):
        lines.extend(s + "\n" for s in MULTILINGUAL)
    return lines


# ---------------------------------------------------------------------------------------------
# byte-level BPE


def train_byte_level(name: str, pattern: str | None, ignore_merges: bool, trainer_specials: list[str],
                     control: list[str], user_defined: list[str], lines: list[str]) -> Tokenizer:
    tok = Tokenizer(BPE(ignore_merges=ignore_merges))
    if pattern is None:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(
        vocab_size=2000,
        min_frequency=2,
        special_tokens=[AddedToken(s, special=True, normalized=False) for s in trainer_specials],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(lines, trainer)
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in control])
    tok.add_tokens([AddedToken(s, special=False, normalized=False) for s in user_defined])
    return tok


def without_control_tokens(tok: Tokenizer) -> Tokenizer:
    """A copy that still splits out user-defined (non-special added) tokens but reads control
    tokens as plain text: Minos' (and llama.cpp's) behaviour without parseSpecial."""
    copy = Tokenizer.from_str(tok.to_str())
    copy.encode_special_tokens = True
    return copy


def merges_of(tok: Tokenizer) -> list[str]:
    data = json.loads(tok.to_str())
    out = []
    for m in data["model"]["merges"]:
        out.append(m if isinstance(m, str) else f"{m[0]} {m[1]}")
    return out


def gguf_tokens(tok: Tokenizer, control: set[str], user_defined: set[str], unknown: set[str]):
    n = tok.get_vocab_size(with_added_tokens=True)
    tokens, types = [], []
    for i in range(n):
        t = tok.id_to_token(i)
        assert t is not None, f"hole in vocabulary at {i}"
        tokens.append(t)
        if t in unknown:
            types.append(UNKNOWN)
        elif t in control:
            types.append(CONTROL)
        elif t in user_defined:
            types.append(USER_DEFINED)
        elif t.startswith("<0x") and len(t) == 6 and t.endswith(">"):
            types.append(BYTE)
        else:
            types.append(NORMAL)
    return tokens, types


def byte_level_decoder() -> dict[str, int]:
    """GPT-2's unicode -> byte mapping (inverse of bytes_to_unicode)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


BYTE_DECODER = byte_level_decoder()


def record_cases(tok: Tokenizer, plain: Tokenizer, texts: list[str], check_roundtrip: bool):
    cases = []
    seen = set()
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        ids_special = tok.encode(text, add_special_tokens=False).ids
        ids = plain.encode(text, add_special_tokens=False).ids
        if check_roundtrip:
            back = plain.decode(ids, skip_special_tokens=False)
            assert back == text, f"HF round trip failed for {text!r}: {back!r}"
        case = {"text": text, "ids": ids}
        if check_roundtrip:
            # byte-level: also record the pre-tokenizer's pieces, as raw text
            pieces = plain.pre_tokenizer.pre_tokenize_str(text)
            raw = [bytes(BYTE_DECODER[ch] for ch in p).decode("utf-8") for p, _ in pieces]
            assert "".join(raw) == text
            case["pieces"] = raw
        if ids_special != ids:
            case["ids_special"] = ids_special
        cases.append(case)
    return cases


def make_byte_level(name, pre, pattern, ignore_merges, trainer_specials, control, user_defined,
                    bos, eos, add_bos, lines):
    tok = train_byte_level(name, pattern, ignore_merges, trainer_specials, control, user_defined, lines)
    plain = without_control_tokens(tok)
    all_control = set(trainer_specials) | set(control)
    tokens, types = gguf_tokens(tok, all_control, set(user_defined), set())
    texts = COMMON_CASES + special_cases(list(control or trainer_specials) + user_defined) + random_cases()
    cases = record_cases(tok, plain, texts, check_roundtrip=True)
    vocab = tok.get_vocab(with_added_tokens=True)
    config = {
        "model": "gpt2",
        "pre": pre,
        "tokens": tokens,
        "token_types": types,
        "merges": merges_of(tok),
        "bos_id": vocab[bos] if bos else None,
        "eos_id": vocab[eos] if eos else None,
        "add_bos": add_bos,
        "add_eos": False,
        "add_space_prefix": False,
    }
    return config, cases


# ---------------------------------------------------------------------------------------------
# SentencePiece-style BPE (Llama 2 layout)

SPM_SPECIALS = ["<unk>", "<s>", "</s>"]
SPM_BYTES = [f"<0x{b:02X}>" for b in range(256)]
SPM_CONTROL = ["<|im_start|>", "<|im_end|>"]
SPM_USER = ["[INST]", "[/INST]"]


def make_spm(lines):
    base = Tokenizer(BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    base.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    # Keep rare characters out of the vocabulary so that they go through byte fallback. The
    # alphabet is chosen here (not with limit_alphabet alone, whose tie-breaking is not
    # deterministic): the 120 most frequent characters, ties broken by code point.
    counts: dict[str, int] = {}
    for line in lines:
        for ch in line.replace(" ", "▁"):
            counts[ch] = counts.get(ch, 0) + 1
    alphabet = sorted(counts, key=lambda ch: (-counts[ch], ch))[:120]
    trainer = BpeTrainer(
        vocab_size=2000,
        min_frequency=2,
        special_tokens=SPM_SPECIALS + SPM_BYTES,
        initial_alphabet=alphabet,
        limit_alphabet=len(alphabet),
        show_progress=False,
    )
    base.train_from_iterator(lines, trainer)
    data = json.loads(base.to_str())
    vocab: dict[str, int] = data["model"]["vocab"]
    id_to_tok = {i: t for t, i in vocab.items()}
    trained_merges = [m if isinstance(m, str) else f"{m[0]} {m[1]}" for m in data["model"]["merges"]]

    # scores: -rank of the merge that first produced the token; other tokens get lower scores
    # (their value never matters: llama.cpp only looks at the score of a merge result).
    n_vocab = len(vocab)
    scores = [0.0] * n_vocab
    merged_score: dict[str, float] = {}
    for rank, m in enumerate(trained_merges):
        a, b = m.split(" ", 1)
        merged_score.setdefault(a + b, -float(rank))
    normal: set[str] = set()
    for i in range(n_vocab):
        t = id_to_tok[i]
        if t in SPM_SPECIALS or t in SPM_BYTES:
            scores[i] = 0.0
            continue
        normal.add(t)
        scores[i] = merged_score.get(t, -float(len(trained_merges) + i))

    # regenerate merges from (vocabulary, scores) the way transformers' SentencePiece
    # converter does: every split of a normal token into two normal tokens, best score first
    score_of = {id_to_tok[i]: scores[i] for i in range(n_vocab)}
    pairs = []
    for t in normal:
        if len(t) < 2 or t not in merged_score:
            continue
        for k in range(1, len(t)):
            a, b = t[:k], t[k:]
            if a in normal and b in normal:
                pairs.append((-score_of[t], vocab[a], vocab[b], a, b))
    pairs.sort()
    data["model"]["merges"] = [[a, b] for (_, _, _, a, b) in pairs]
    data["normalizer"] = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        ],
    }
    data["pre_tokenizer"] = None
    data["decoder"] = {
        "type": "Sequence",
        "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ],
    }
    # the byte tokens stay in the model vocabulary but must not be matched in text
    data["added_tokens"] = [a for a in data["added_tokens"] if a["content"] in SPM_SPECIALS]
    tok = Tokenizer.from_str(json.dumps(data))
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in SPM_CONTROL])
    tok.add_tokens([AddedToken(s, special=False, normalized=False) for s in SPM_USER])
    plain = without_control_tokens(tok)

    tokens, types = gguf_tokens(tok, set(SPM_SPECIALS[1:]) | set(SPM_CONTROL), set(SPM_USER), {"<unk>"})
    all_scores = scores + [0.0] * (len(tokens) - n_vocab)

    texts = COMMON_CASES + special_cases(SPM_CONTROL + SPM_USER + SPM_SPECIALS) + random_cases()
    cases = record_cases(tok, plain, texts, check_roundtrip=False)

    # cross-check against a direct model of llama.cpp's SPM tokenizer
    model = SpmReference(tokens, types, all_scores)
    for case in cases:
        for key, parse in (("ids", False), ("ids_special", True)):
            if key not in case:
                continue
            ref = model.encode(case["text"], parse)
            if ref != case[key]:
                sys.exit(f"spm: HF and the llama.cpp model disagree on {case['text']!r} ({key}):\n"
                         f"  HF   {case[key]}\n  ref  {ref}")

    config = {
        "model": "llama",
        "pre": None,
        "tokens": tokens,
        "token_types": types,
        "scores": all_scores,
        "bos_id": 1,
        "eos_id": 2,
        "unknown_id": 0,
        "add_bos": True,
        "add_eos": False,
        "add_space_prefix": True,
    }
    return config, cases


class SpmReference:
    """Straightforward model of llama.cpp's SPM tokenizer (quadratic, for checking only)."""

    def __init__(self, tokens, types, scores):
        self.normal = {t: i for i, t in enumerate(tokens) if types[i] == NORMAL}
        self.scores = scores
        self.specials = sorted(((t, i) for i, t in enumerate(tokens) if types[i] in (UNKNOWN, CONTROL, USER_DEFINED)),
                               key=lambda p: -len(p[0]))
        self.user_defined = [(t, i) for t, i in self.specials if types[i] == USER_DEFINED]
        self.byte_ids = {int(t[3:5], 16): i for i, t in enumerate(tokens) if types[i] == BYTE}

    def fragments(self, text, parse):
        # User-defined tokens are always split out; control and unknown ones only when parsing.
        specials = self.specials if parse else self.user_defined
        out, start, i = [], 0, 0
        while i < len(text):
            for t, tid in specials:
                if text.startswith(t, i):
                    if i > start:
                        out.append(text[start:i])
                    out.append(tid)
                    i += len(t)
                    start = i
                    break
            else:
                i += 1
        if start < len(text):
            out.append(text[start:])
        return out

    def encode(self, text, parse):
        out = []
        for frag in self.fragments(text, parse):
            if isinstance(frag, int):
                out.append(frag)
                continue
            syms = list((" " + frag).replace(" ", "▁"))
            while True:
                best = None
                for k in range(len(syms) - 1):
                    tid = self.normal.get(syms[k] + syms[k + 1])
                    if tid is not None and (best is None or self.scores[tid] > best[0]):
                        best = (self.scores[tid], k)
                if best is None:
                    break
                k = best[1]
                syms[k:k + 2] = [syms[k] + syms[k + 1]]
            for s in syms:
                if s in self.normal:
                    out.append(self.normal[s])
                else:
                    out.extend(self.byte_ids[b] for b in s.encode("utf-8"))
        return out


# ---------------------------------------------------------------------------------------------


def write_fixture(name: str, description: str, config: dict, cases: list[dict]):
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = {
        "name": name,
        "description": description,
        "generator": "scripts/make-tokenizer-fixtures.py",
        "tokenizers_version": tokenizers.__version__,
        "config": config,
        "cases": cases,
    }
    path = os.path.join(OUT_DIR, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes, {len(config['tokens'])} tokens, {len(cases)} cases")


def main():
    lines = corpus_lines()

    config, cases = make_byte_level(
        "gpt2", "gpt2", None, False, ["<|endoftext|>"], [], ["<tool_call>", "</tool_call>"],
        bos="<|endoftext|>", eos="<|endoftext|>", add_bos=False, lines=lines)
    write_fixture("gpt2", "byte-level BPE, GPT-2 pre-tokenizer regex", config, cases)

    config, cases = make_byte_level(
        "llama3", "llama-bpe", LLAMA3_PATTERN, True, [],
        ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        ["<tool_call>"],
        bos="<|begin_of_text|>", eos="<|end_of_text|>", add_bos=True, lines=lines)
    write_fixture("llama3", "byte-level BPE, Llama 3 pre-tokenizer regex, ignore_merges", config, cases)

    config, cases = make_byte_level(
        "qwen2", "qwen2", QWEN2_PATTERN, False, [],
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], ["<tool_call>", "</tool_call>"],
        bos=None, eos="<|im_end|>", add_bos=False, lines=lines)
    write_fixture("qwen2", "byte-level BPE, Qwen2 pre-tokenizer regex", config, cases)

    config, cases = make_spm(lines)
    write_fixture("spm", "SentencePiece-style BPE with byte fallback (Llama 2 layout)", config, cases)


if __name__ == "__main__":
    main()
