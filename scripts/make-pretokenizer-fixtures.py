#!/usr/bin/env python3
"""Generate one fixture per pre-tokenizer rule for Tests/TokenizersTests (PreTokenizerRuleTests).

Every `tokenizer.ggml.pre` value that llama.cpp accepts maps to one of the rules below (the table
is docs/pretokenizers.md). For each rule this script trains a small byte-level BPE with Hugging Face
`tokenizers` (pip install tokenizers) whose pre-tokenizer is

    Sequence([Split(Regex(r1), "isolated"), Split(Regex(r2), "isolated"), ..., ByteLevel(use_regex=False)])

with the rule's regexes as the models' tokenizer.json writes them (Oniguruma semantics), and
records the ids and the pre-tokenizer pieces HF produces for inputs with digits, whitespace runs,
newlines, code, contractions, CJK, emoji and mixed scripts. Minos implements the same regexes as
hand-written matchers, so these fixtures check them against an independent regex engine.

Where the original regex is not usable by HF (a zero-width split, or llama.cpp's custom code):

  superbpe  `(?=(\\d{3})+(?!\\d))` splits digit runs in threes from the right; written here as
            `\\p{N}{1,3}(?=(?:\\p{N}{3})*(?!\\p{N}))`, which isolates the same groups.
  afmoe     llama.cpp's custom "\\p{AFMoE_digits}" (digit runs in threes from the right): same.

Fixtures go to Tests/TokenizersTests/Fixtures/pretokenizers/<rule>.json. The training corpus and
most inputs are those of scripts/make-tokenizer-fixtures.py.

Run from the repository root:  python3 scripts/make-pretokenizer-fixtures.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import random

import tokenizers
from tokenizers import Regex, Tokenizer, decoders, pre_tokenizers
from tokenizers.models import BPE
from tokenizers.trainers import BpeTrainer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "TokenizersTests", "Fixtures", "pretokenizers")

_spec = importlib.util.spec_from_file_location("base", os.path.join(ROOT, "scripts", "make-tokenizer-fixtures.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

C = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)"
GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = C + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = C + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
UPPER = r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]"
LOWER = r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]"
O200K = (rf"[^\r\n\p{{L}}\p{{N}}]?{UPPER}*{LOWER}+{C}?|[^\r\n\p{{L}}\p{{N}}]?{UPPER}+{LOWER}*{C}?"
         r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
DEEPSEEK_V3 = (r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+"
               r"| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
DIGITS_FROM_RIGHT = r"\p{N}{1,3}(?=(?:\p{N}{3})*(?!\p{N}))"
BLOOM = r" ?[^(\s|.,!?…。，、।۔،)]+"
CJK = r"[一-龥ࠀ-一가-퟿]+"
CJK_KANA = r"[一-龥぀-ゟ゠-ヿ]+"
DEEPSEEK_LETTERS = (  # escaped: some of these letters change under Unicode normalization
    "A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\U00010400-\U0001044f\U000104b0-\U000104d3\U000104d8-\U000104fb\U00010c80-\U00010cb2\U00010cc0-\U00010cf2\U000118a0-\U000118df\U0001e900-\U0001e943"
)
KIMI_UPPER = r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]"
KIMI_LOWER = r"[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]"

# rule -> (the tokenizer.ggml.pre value the fixture uses, regexes in order)
RULES: dict[str, tuple[str, list[str]]] = {
    "default": ("default", [r"[\p{P}\$\+<=>\^~\|]+", GPT2, r"\p{N}+", r"[0-9][0-9][0-9]"]),
    "gpt2": ("gpt-2", [GPT2]),
    "llama3": ("llama-bpe", [LLAMA3]),
    "jais2": ("jais-2", [C + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
                         r"|\s{512}(?!\S)|\s{256}(?!\S)|\s{128}(?!\S)|\s{64}(?!\S)|\s{32}(?!\S)|\s{16}(?!\S)"
                         r"|\s{8}(?!\S)|\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1}"]),
    "qwen2": ("qwen2", [QWEN2]),
    "qwen35": ("qwen35", [C + r"|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*"
                          r"|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "seed-coder": ("seed-coder", [C + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+"
                                  r"|\s+(?!\S)|\s+"]),
    "ufakzeka": ("ufakzeka", [r"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "minicpm5": ("minicpm5", [r"\p{N}{1,3}", C + r"|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}+| ?[^\s\p{L}\p{N}]+[\r\n]*"
                                                r"|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "laguna": ("laguna", [r"[^\n]+|[\n]+", QWEN2]),
    "deepseek-llm": ("deepseek-llm", [r"[\r\n]", rf"\s?[{DEEPSEEK_LETTERS}]+", r"\s?[!-/:-~！-／：-～‘-‟　-。]+",
                                      r"\s+$", CJK, r"\p{N}+"]),
    "deepseek-coder": ("deepseek-coder", [r"[\r\n]", r"\s?\p{L}+", r"\s?\p{P}+", CJK, r"\p{N}"]),
    "deepseek-v3": ("deepseek-v3", [r"\p{N}{1,3}", CJK_KANA, DEEPSEEK_V3]),
    "spark2_5": ("spark2_5", [r"\p{N}{1,3}", CJK_KANA,
                              r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+"
                              r"| ?[\p{P}\p{S}]+|[\r\n]|\s+(?!\S)|\s+", r"\p{N}"]),
    "afmoe": ("afmoe", [DIGITS_FROM_RIGHT, r"[一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+", DEEPSEEK_V3]),
    "youtu": ("youtu", [r"[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
                        rf"[^\r\n\p{{L}}\p{{N}}]?{UPPER}*{LOWER}+{C}?|[^\r\n\p{{L}}\p{{N}}]?{UPPER}+{LOWER}*{C}?"
                        r"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "falcon": ("falcon", [r"[\p{P}\$\+<=>\^~\|`]+", GPT2, r"[0-9][0-9][0-9]"]),
    "starcoder": ("smollm", [r"\p{N}", GPT2]),
    "bloom": ("bloom", [BLOOM]),
    "viking": ("viking", [BLOOM, r"\p{N}"]),
    "tekken": ("tekken", [rf"[^\r\n\p{{L}}\p{{N}}]?{UPPER}*{LOWER}+|[^\r\n\p{{L}}\p{{N}}]?{UPPER}+{LOWER}*"
                          r"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "chameleon": ("chameleon", [r"<sentinel:[0-9]+>", r"(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z", r"([\t\n]|    |  )",
                                r"\p{N}", r"[\p{P}!-/:-@\[-`{-~]", GPT2]),
    "gpt-4o": ("gpt-4o", [O200K]),
    "tiny_aya": ("tiny_aya", [r"\d{1,3}(?=(?:\d{3})*\b)", O200K]),
    "kimi-k2": ("kimi-k2", [rf"[\p{{Han}}]+|[^\r\n\p{{L}}\p{{N}}]?{KIMI_UPPER}*{KIMI_LOWER}+{C}?"
                            rf"|[^\r\n\p{{L}}\p{{N}}]?{KIMI_UPPER}+{KIMI_LOWER}*{C}?"
                            r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"]),
    "superbpe": ("superbpe", [r"\p{N}+", DIGITS_FROM_RIGHT]),
    "exaone-moe": ("exaone-moe", [C + r"|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}"
                                      r"| ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+"]),
}

# llama.cpp's ignore_merges names (a piece that is a token is taken whole)
IGNORE_MERGES = {"minicpm5", "llama-bpe", "youtu", "tekken"}

EXTRA_CASES = [
    "1234567", "12345abc", "abc12345", "x 1234567 y", "007 0042 123456789012", "1,234,567.891", "²³ ½ ٣٤٥٦",
    "don't DON'T I'LL we've They'Re she'd it's", "Ankara'da İstanbul'un", "HTTPServer getHTTPResponse camelCase",
    "ÉCOLE Àbc ÀbcÉdf ǅa", "e\u0301te\u0301 na\u0308ive", "  leading\ttabs\t\tand   spaces   ",
    "a\n\nb\r\n\r\nc \n d", "!\n?\n\n", "if (x) {\n    return y / 2;\n}\n// done\n",
    "<sentinel:12> IMGIMGABZ IMGIMGABCDEZ <sentinel:x>", "a    b  c   d\t\te",
    "中文和English混合，日本語のかなとカタカナ、한국어 ㄱㄴ ㄅㄆ！", "emoji 😀👍🏽 🇯🇵 ❤️ mixed 中文😀abc",
    "Merhaba dünya! Привет мир. Γειά σου. مرحبا", "path/to/file.txt //comment /* x */",
    " " * 600 + "x", " " * 70 + "\n" + " " * 9 + "y", "(a|b) [c.d] e,f! g? h… i。j，k、l",
    "price: $1,299.99 ~ €5 + 3^2 = 10 | <tag> `code`", "a  1234 b\t\t56 c   7",
]


def boundary_cases() -> list[str]:
    """Random strings over scalars at the edges of the rules' classes (case, marks, digits of several
    kinds, apostrophes, whitespace kinds, punctuation vs symbols, CJK blocks, Han vs kana)."""
    rng = random.Random(16)
    atoms = (list("aZsStTdDlLrReEvV") + ["'", "'s", "'LL", "'re"] + list("ÉàΣσǅʰß") + ["\u0301", "\u0308"]
             + list("0123456789") + list("٣²Ⅻ½") + [" ", " ", "  ", "\t", "\r", "\n", "\r\n", "\u00a0", "\u3000"]
             + list(".,!?/-_(|)…。，、") + list("$+<=>^~`#@%&*") + list("中文かカ한ㄱㄅ〇々ไ") + ["😀", "👍🏽", "\u200d"]
             + ["<sentinel:7>", "IMGIMGABZ", "http://a.b/c", "don't", "I'LL"])
    count = int(os.environ.get("MINOS_BOUNDARY_CASES", "30"))  # raise for a one-off wider check
    return ["".join(rng.choice(atoms) for _ in range(rng.randint(4, 28))) for _ in range(count)]


def train(patterns: list[str], ignore_merges: bool, lines: list[str]) -> Tokenizer:
    tok = Tokenizer(BPE(ignore_merges=ignore_merges))
    splits = [pre_tokenizers.Split(Regex(p), behavior="isolated", invert=False) for p in patterns]
    tok.pre_tokenizer = pre_tokenizers.Sequence(splits + [pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=600, min_frequency=2, special_tokens=[],
                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer)
    return tok


def main():
    lines = base.corpus_lines()
    os.makedirs(OUT_DIR, exist_ok=True)
    texts = [t for t in base.COMMON_CASES if t] + EXTRA_CASES + boundary_cases()
    for rule, (pre, patterns) in RULES.items():
        tok = train(patterns, pre in IGNORE_MERGES, lines)
        cases = base.record_cases(tok, tok, texts, check_roundtrip=True)
        tokens, types = base.gguf_tokens(tok, set(), set(), set())
        doc = {
            "name": rule,
            "description": f"byte-level BPE, pre-tokenizer rule '{rule}'",
            "generator": "scripts/make-pretokenizer-fixtures.py",
            "tokenizers_version": tokenizers.__version__,
            "regexes": patterns,
            "config": {
                "model": "gpt2", "pre": pre, "tokens": tokens, "token_types": types, "merges": base.merges_of(tok),
                "bos_id": None, "eos_id": None, "add_bos": False, "add_eos": False, "add_space_prefix": False,
            },
            "cases": cases,
        }
        path = os.path.join(OUT_DIR, f"{rule}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {os.path.getsize(path)} bytes, {len(cases)} cases")


if __name__ == "__main__":
    main()
