#!/usr/bin/env python3
"""Writes clients/notebooks/quickstart.ipynb (no outputs): the Python client against a synthetic
model — load, stream a generation, check instructions, verify answers, plot step scores.
Run: python3 scripts/make-quickstart-notebook.py; execute: jupyter nbconvert --to notebook --execute."""
import json
import os

cells = [
    ("markdown", """# Minos quickstart

This notebook drives `minosd` from Python with `clients/python/minos_client.py`: it makes a tiny
random model with `minos-bench make-model`, loads it, streams a generation, checks IFEval
instructions, verifies math answers by rule, and plots a verifier's step scores. Set `MINOSD` (and
`MINOS_BENCH`, default: beside `minosd`) to the built binaries; the daemon runs on a throwaway store."""),
    ("code", """import os, sys, subprocess, tempfile
sys.path.insert(0, os.path.join(os.getcwd(), "..", "python"))
from minos_client import Client

minosd = os.environ.get("MINOSD", "minosd")
bench = os.environ.get("MINOS_BENCH", os.path.join(os.path.dirname(minosd), "minos-bench"))
model_path = os.path.join(tempfile.mkdtemp(), "tiny.gguf")
subprocess.run([bench, "make-model", "--output", model_path], check=True, capture_output=True)
client = Client(minosd=minosd, db=":memory:")
client.initialize()
info = client.load_model(model_path, name="tiny")
print(info["architecture"], info["parameters"], "parameters,", info["quantTypes"])"""),
    ("markdown", "## Generation, streamed\nThe text arrives piece by piece; a random model writes nonsense."),
    ("code", """pieces = []
result = client.generate("tiny", prompt="Once upon a time", maxTokens=12, temperature=0, on_text=pieces.append)
print(len(pieces), "pieces streamed;", result["tokenCount"], "tokens, stop reason", result["stopReason"])
assert "".join(pieces) == result["text"]"""),
    ("markdown", "## Instruction checking (IFEval)"),
    ("code", """checked = client.call("instructions/check", {
    "response": "all lower case, and exactly two sentences. nothing else.",
    "instructions": [{"id": "change_case:english_lowercase"},
                     {"id": "length_constraints:number_sentences", "kwargs": {"relation": "less than", "num_sentences": 3}}]})
for outcome in checked["strict"]["instructions"]:
    print(outcome["id"], "followed" if outcome["followed"] else "NOT followed", "-", outcome["detail"])"""),
    ("markdown", "## Verifying math answers by rule"),
    ("code", """for answer, reference in [("\\\\frac{1}{2}", "0.5"), ("The answer is 12.", "#### 12"), ("x = 3", "4")]:
    verdict = client.call("verify/answer", {"solution": answer, "reference": reference})
    print(f"{answer!r} vs {reference!r}: {verdict['equivalent']} ({verdict['reason']})")"""),
    ("markdown", "## Step scores from a verifier model\nEach step's probability of being correct, read from the (random) model with the `judge` profile."),
    ("code", """steps = client.call("verify/steps", {"model": "tiny", "profile": "judge", "question": "What is 2 + 3 * 4?",
                                     "steps": ["3 * 4 = 12", "2 + 12 = 14", "The answer is 14."]})
scores = [s["probability"] for s in steps["steps"]]
print([round(p, 3) for p in scores], steps["aggregates"])"""),
    ("code", """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 2.5))
ax.bar(range(1, len(scores) + 1), scores)
ax.set_xlabel("step"); ax.set_ylabel("P(correct)"); ax.set_ylim(0, 1)
ax.set_title("verify/steps (judge profile)")
plt.show()"""),
    ("code", """client.close()"""),
]

notebook = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}},
    "cells": [],
}
for index, (kind, text) in enumerate(cells):
    cell = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}, "source": text.splitlines(keepends=True)}
    if kind == "code":
        cell.update({"execution_count": None, "outputs": []})
    notebook["cells"].append(cell)
path = os.path.join(os.path.dirname(__file__), "..", "clients", "notebooks", "quickstart.ipynb")
with open(path, "w") as f:
    json.dump(notebook, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
