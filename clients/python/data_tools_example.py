#!/usr/bin/env python3
"""Every data-tool method of Minos from Python: datasets, DiverseEvol selection, DMT mixing, model
merging and Ditto role-play data.

    python3 clients/python/data_tools_example.py [MODEL.gguf]

With no model, two tiny random models are made with `minos-bench` ($MINOS_BENCH, default beside
minosd) so that the script runs anywhere; their texts are noise, but every call, reply shape and
file is real. Give a chat model (SmolLM2-135M-Instruct, say) to see meaningful questions and
answers. Everything is written under a temporary directory, and the store is in memory.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from minos_client import Client, MinosError, find_minosd  # noqa: E402


def make_model(bench, path, seed):
    subprocess.run([bench, "make-model", "--seed", str(seed), "--context", "2048", "--output", path],
                   check=True, capture_output=True)


def main(model_path=None):
    work = tempfile.mkdtemp(prefix="minos-data-tools-")
    bench = os.environ.get("MINOS_BENCH") or os.path.join(os.path.dirname(find_minosd()), "minos-bench")
    base, tuned = os.path.join(work, "base.gguf"), os.path.join(work, "tuned.gguf")
    make_model(bench, base, seed=1)
    make_model(bench, tuned, seed=2)
    model_path = model_path or base

    # Two small JSONL datasets, one Alpaca and one ShareGPT shaped.
    math = os.path.join(work, "math.jsonl")
    with open(math, "w") as f:
        for i in range(200):
            f.write(json.dumps({"instruction": f"What is {i} times 3?", "input": "", "output": str(3 * i)}) + "\n")
    chat = os.path.join(work, "chat.jsonl")
    with open(chat, "w") as f:
        for i in range(50):
            f.write(json.dumps({"conversations": [{"from": "human", "value": f"Tell me fact number {i}."},
                                                  {"from": "gpt", "value": f"Fact {i}: water boils at 100 C at sea level."}]}) + "\n")

    with Client(db=":memory:") as minos:
        minos.load_model(model_path, name="m", timeout=120)

        # Datasets: stored once in SQLite, then used by name.
        print(minos.call("data/import", {"name": "math", "file": math}))
        print(minos.call("data/list")["datasets"])

        # DiverseEvol: 10 diverse examples of the stored set, in 2 rounds, with progress.
        selected = minos.call("data/select", {"model": "m", "dataset": "math", "k": 10, "rounds": 2, "seed": 7},
                              progress=lambda value: print("  progress:", value.get("message", value.get("kind"))),
                              timeout=300)
        print("selected", selected["indices"], "radii", selected["radii"], "Vendi", selected["vendi"])

        # DMT: stage 1 the specialized data, stage 2 the general data plus 1/256 of each specialized set.
        # Sources may be files or stored datasets, mixed freely.
        plan = minos.call("data/mix", {"specializedDatasets": {"math": "math"}, "general": chat,
                                       "outputDirectory": os.path.join(work, "dmt")})
        print("DMT plan", plan["stage1"], plan["stage2"], plan["files"])

        # Model merging: TIES of the two models onto the base, written as Q8_0.
        merged = minos.call("model/merge", {"output": os.path.join(work, "merged.gguf"), "base": base,
                                            "models": [base, tuned], "weights": [0.5, 0.5], "method": "ties",
                                            "density": 0.5, "outputType": "q8_0"}, timeout=300)
        print("merged", merged["tensorsMerged"], "tensors,", merged["bytesWritten"], "bytes")

        # Ditto role-play data: simulated questions, in-character answers, the judge's verdicts.
        curie = {"name": "Marie Curie", "description": "physicist and chemist",
                 "facts": [{"attribute": "place of birth", "value": "Warsaw"},
                           {"attribute": "spouse", "value": "Pierre Curie"},
                           {"attribute": "award received", "value": "Nobel Prize in Physics (1903)"}]}
        round_ = minos.call("roleplay/generate", {"model": "m", "character": curie, "queries": 2, "contrastiveQueries": 1,
                                                  "questions": ["Where were you born?", "What did you discover?"],
                                                  "maxTokens": 48, "seed": 1,
                                                  "output": os.path.join(work, "curie.jsonl")}, timeout=600)
        for d in round_["dialogues"]:
            print(f"  Q: {d['question']!r}\n  A: {d['answer'][:80]!r}\n  -> {d['check']['verdict']}")
        print("consistent", round_["consistent"], "written", round_["written"])
        check = minos.call("roleplay/check", {"model": "m", "character": curie,
                                              "dialogue": [{"question": "Where were you born?", "answer": "In Paris."}]})
        print("judge", check["checks"][0]["verdict"], check["checks"][0]["probabilities"])

        # The prompts are templates in the store: list, edit (placeholders are checked), reset.
        print([t["name"] for t in minos.call("roleplay/templates/list")["templates"]])
        minos.call("roleplay/templates/save", {"name": "query",
                                               "template": "Write {{count}} questions a journalist would ask {{name}}.\n{{profile}}"})
        try:
            minos.call("roleplay/templates/save", {"name": "query", "template": "Ask {{who}}."})
        except MinosError as error:
            print("refused:", error.code, error)
        minos.call("roleplay/templates/reset", {"name": "query"})
        print(minos.call("data/delete", {"name": "math"}))
    return work


if __name__ == "__main__":
    print("files in", main(sys.argv[1] if len(sys.argv) > 1 else None))
