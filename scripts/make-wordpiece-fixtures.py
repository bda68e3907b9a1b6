#!/usr/bin/env python3
"""Generate the WordPiece tokenizer fixtures used by Tests/TokenizersTests (WordPieceTests).

No BERT vocabulary can be downloaded here, so this script writes two small vocabularies of its
own (a few hundred entries: special tokens, single characters and their "##" continuations,
common words and word pieces, some CJK ideographs and accented letters) and tokenizes a list of
varied inputs with Hugging Face `tokenizers`' BertWordPieceTokenizer (pip install tokenizers),
an implementation independent of Minos: BertNormalizer (clean text, CJK handling, accent
stripping and lowercasing when uncased) + BertPreTokenizer + WordPiece (greedy longest match,
"##" continuations, [UNK] for unsplittable words and words of more than 100 characters) +
[CLS] ... [SEP].

Fixtures written to Tests/TokenizersTests/Fixtures/wordpiece-<name>.json:

  uncased  only lowercase pieces; HF lowercase=True (accents stripped)
  cased    with capitalized pieces; HF lowercase=False (accents kept)

Each holds `vocab` (BERT's own form, continuations prefixed "##"), `token_types` (3 = control
for the special tokens, as llama.cpp's converter marks them, else 1), `lowercase`, and `cases`:
{text, ids} with ids including [CLS] and [SEP]. The Swift test also converts the vocabulary to
llama.cpp's GGUF form ("▁" before word-initial pieces, "##" dropped) and expects the same ids.

Usage: python3 scripts/make-wordpiece-fixtures.py   (from the repository root)
"""
import json
import os

from tokenizers import BertWordPieceTokenizer

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
WORDS = """the quick brown fox jump over lazy dog hello world un aff able new line don stop me now ok
said hi cafe resume naive is tan bul istanbul embed ding token izer play run walk talk good morning
night day time year people water""".split()
PIECES = "s ed ing er est ly able ful ness ment tion ize izer able ab le ion ings ers".split()
CJK = "中国人日本语学生"
ACCENTED = "éèüöñçåø"


def vocabulary(cased: bool) -> list[str]:
    vocab = list(SPECIAL) + ["[unused0]", "[unused1]"]
    singles = list(LETTERS) + [str(d) for d in range(10)] + list(PUNCT) + list(CJK) + list(ACCENTED)
    if cased:
        singles += list(LETTERS.upper())
    for c in singles:
        vocab.append(c)
        vocab.append("##" + c)
    words = WORDS + (["The", "Hello", "World", "Paris", "HeLLo", "Café", "naïve", "résumé", "İstanbul"] if cased else [])
    vocab += words + ["##" + p for p in PIECES]
    seen, unique = set(), []
    for token in vocab:
        if token not in seen:
            seen.add(token)
            unique.append(token)
    return unique


TEXTS = [
    "",
    "   ",
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "unaffable",
    "HeLLo   WORLD\t\nnew\r\nline",
    "naïve café résumé Café",
    "中国人 said hi日本语学生",
    "control\u0000chars\u0007 and\u200bzero width\ufffd",
    "a" * 100,
    "a" * 101,
    "walking talked goodness tokenizers",
    "don't stop-me now... (ok) $100 + 5% = ?",
    "İstanbul ΣΊΣΥΦΟΣ",
    "カタカナ and 🙂 emoji",
    "\u00a0nbsp\u2028separator\u3000ideographic",
    "ﬁne Ａ €5",
    "embeddings for 2024: people, water & time",
    "Paris is Paris; PARIS is not",
    "e\u0301cole (combining accent)",
]


def write(name: str, cased: bool, out_dir: str) -> None:
    vocab = vocabulary(cased)
    tokenizer = BertWordPieceTokenizer(
        {token: i for i, token in enumerate(vocab)},
        unk_token="[UNK]", sep_token="[SEP]", cls_token="[CLS]", pad_token="[PAD]", mask_token="[MASK]",
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=not cased,
    )
    cases = [{"text": text, "ids": tokenizer.encode(text, add_special_tokens=True).ids} for text in TEXTS]
    fixture = {
        "generator": "scripts/make-wordpiece-fixtures.py (HF tokenizers BertWordPieceTokenizer)",
        "lowercase": not cased,
        "vocab": vocab,
        "token_types": [3 if token in SPECIAL else 1 for token in vocab],
        "cases": cases,
    }
    path = os.path.join(out_dir, f"wordpiece-{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(vocab)} tokens, {len(cases)} cases")


def main() -> None:
    out_dir = os.path.join("Tests", "TokenizersTests", "Fixtures")
    write("uncased", cased=False, out_dir=out_dir)
    write("cased", cased=True, out_dir=out_dir)


if __name__ == "__main__":
    main()
