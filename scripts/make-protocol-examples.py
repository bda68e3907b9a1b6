#!/usr/bin/env python3
"""Writes protocol/examples/*.json: one exchange per method, as sent to and received from a real minosd.

Each example is {method, description, handshake, exchange: [{send: msg} | {receive: msg}], volatile,
exitCode?}. After each request the exchange waits for its reply before sending on, so examples that
build on earlier requests (register, then list) are deterministic. The Swift test suite replays every example against the built daemon and compares the
replies (paths listed in `volatile` are compared by JSON type only). Run this after changing a
method, read the diff, and commit it:  MINOSD=.build/debug/minosd python3 scripts/make-protocol-examples.py
"""
import json
import os
import shutil
import subprocess
import sys

MINOSD = os.environ.get("MINOSD", ".build/debug/minosd")
BENCH = os.environ.get("MINOS_BENCH", os.path.join(os.path.dirname(MINOSD), "minos-bench"))
# The examples that need a model load this synthetic one; the replay test writes the same file.
MODEL = {"path": "/tmp/minos-examples/tiny-qwen2-q8_0.gguf", "architecture": "qwen2", "type": "q8_0", "seed": 1}
MERGED = "/tmp/minos-examples/merged.gguf"
MIX_FILES = {
    "/tmp/minos-examples/mix/math.jsonl": "".join(
        json.dumps({"instruction": f"What is {i} + {i}?", "input": "", "output": str(2 * i)}) + "\n" for i in range(300)),
    "/tmp/minos-examples/mix/code.jsonl": "".join(
        json.dumps({"conversations": [{"from": "human", "value": f"Write a function returning {i}."},
                                      {"from": "gpt", "value": f"def f():\n    return {i}"}]}) + "\n" for i in range(100)),
    "/tmp/minos-examples/mix/general.jsonl": "".join(
        json.dumps({"instruction": f"Say hello in language {i}.", "input": "", "output": f"hello {i}"}) + "\n" for i in range(20)),
}
# Role-play prompts (a profile and instructions) need more context than the tiny model's 256 tokens.
ROLEPLAY_MODEL = {"path": "/tmp/minos-examples/tiny-qwen2-q8_0-ctx2048.gguf", "architecture": "qwen2", "type": "q8_0", "seed": 1,
                  "context": 2048}
AMATEUR = {"path": "/tmp/minos-examples/tiny-qwen2-q8_0-seed2.gguf", "architecture": "qwen2", "type": "q8_0", "seed": 2}
LOAD = None  # set below, once rpc() exists
CHARACTER = {"name": "Marie Curie", "description": "physicist and chemist",
             "facts": [{"attribute": "place of birth", "value": "Warsaw"}, {"attribute": "spouse", "value": "Pierre Curie"}]}
OUT = os.path.join(os.path.dirname(__file__), "..", "protocol", "examples")


def rpc(id, method, params=None):
    msg = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def note(method, params=None):
    msg = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return msg


class NoWait:
    """A request whose reply is not awaited before the next message is sent."""
    def __init__(self, msg):
        self.msg = msg


LOAD = {"jsonrpc": "2.0", "id": 1, "method": "model/load", "params": {"path": MODEL["path"], "name": "tiny"}}
LOAD_ROLEPLAY = {"jsonrpc": "2.0", "id": 1, "method": "model/load", "params": {"path": ROLEPLAY_MODEL["path"], "name": "tiny"}}
LOAD_AMATEUR = {"jsonrpc": "2.0", "id": 100, "method": "model/load", "params": {"path": AMATEUR["path"], "name": "amateur"}}

HANDSHAKE = [rpc(0, "initialize", {"clientInfo": {"name": "examples"}}), note("initialized")]

AT_LEAST_3 = "def evaluate(response):\n    return len(response.split()) >= 3"
AT_LEAST_3_B = "def evaluate(response):\n    words = [w for w in response.split() if w.strip()]\n    return len(words) > 2"
ALWAYS_TRUE = "def evaluate(response):\n    return True"
UPPER = "def evaluate(response):\n    return response.upper() == response"
CASES = [{"input": "one two three", "output": True}, {"input": "just two", "output": False},
         {"input": "a b c d", "output": True}, {"input": "one", "output": False}]
MY_PROFILE = {"name": "my-judge", "template": "Problem: {question}\nAnswer: {solution}", "stepSplit": "newlines",
              "stepMarker": "\nCorrect so far?", "outcomeMarker": "\nIs the answer right?", "positive": " yes", "negative": " no"}
REGISTER = rpc(1, "instructions/register", {"instruction": "Answer in at least three words.",
                                            "functions": [AT_LEAST_3, AT_LEAST_3_B], "cases": CASES})

ROUTE_DATA = [{"query": q, "rewards": r, "tags": [t]} for q, r, t in [
    ("solve the integral of x squared", {"small": 0.9, "big": 0.6}, "math"),
    ("prove the limit of the series", {"small": 0.8, "big": 0.5}, "math"),
    ("derivative of a matrix product", {"small": 0.85, "big": 0.6}, "math"),
    ("write a poem about the sea", {"small": 0.3, "big": 0.9}, "writing"),
    ("a short story with a twist", {"small": 0.4, "big": 0.95}, "writing"),
    ("a sonnet about autumn leaves", {"small": 0.35, "big": 0.9}, "writing"),
]]
ROUTE_SETUP = [
    rpc(10, "backend/add", {"name": "small", "kind": "local", "model": "tiny", "costPer1kTokens": 0}),
    rpc(11, "backend/add", {"name": "big", "kind": "local", "model": "tiny", "costPer1kTokens": 1}),
    rpc(12, "route/train", {"router": "topics", "embedModel": "tiny", "backends": ["small", "big"], "data": ROUTE_DATA,
                            "epochs": 30, "heldOut": 0, "seed": 1}),
]
ROUTE_VOLATILE = ["result.metrics.accuracy", "result.metrics.routedReward", "result.metrics.finalLoss", "result.metrics.bestSingleBackend",
                  "result.metrics.bestSingleReward", "result.metrics.oracleReward", "result.bytesResident", "result.routers[0].metrics.accuracy",
                  "result.routers[0].metrics.routedReward", "result.routers[0].metrics.finalLoss"]

# (file name, method, description, handshake, messages to send, volatile paths[, extra minosd arguments])
EXAMPLES = [
    ("initialize", "initialize", "Start a session; the reply lists every method.", False,
     [rpc(1, "initialize", {"processId": 4242, "clientInfo": {"name": "my-editor", "version": "1.0"}})], []),
    ("initialized", "initialized", "Notification after initialize; no reply. The next request is served.", False,
     [rpc(1, "initialize", {}), note("initialized"), rpc(2, "daemon/ping", {"echo": "after initialized"})], []),
    ("shutdown", "shutdown", "Prepare to exit; later requests get -32600.", True,
     [rpc(1, "shutdown"), rpc(2, "daemon/ping")], []),
    ("exit", "exit", "Exit after shutdown: the process ends with code 0.", True,
     [rpc(1, "shutdown"), note("exit")], []),
    ("cancelRequest", "$/cancelRequest", "Cancel an in-flight request; it replies -32800 at once.", True,
     [NoWait(rpc(1, "daemon/sleep", {"milliseconds": 60000})), note("$/cancelRequest", {"id": 1})], []),
    ("rpc.discover", "rpc.discover", "The OpenRPC document (methods elided here; see minos.openrpc.json).", True,
     [rpc(1, "rpc.discover")], ["result.methods"]),
    ("daemon.status", "daemon/status", "What the daemon is and holds right now.", True,
     [rpc(1, "daemon/status")],
     ["result.pid", "result.uptimeSeconds", "result.residentMemoryBytes", "result.requests.served"]),
    ("daemon.ping", "daemon/ping", "Echo a value back.", True,
     [rpc(1, "daemon/ping", {"echo": {"hello": ["world", 1, True]}})], []),
    ("verify.answer", "verify/answer", "A solution's boxed answer against a reference, by rule.", True,
     [rpc(1, "verify/answer", {"solution": "Adding the two parts gives \\boxed{\\frac{3}{4}}.", "reference": "0.75"})], []),
    ("verify.answerBatch", "verify/answerBatch", "Several pairs at once, with the accuracy.", True,
     [rpc(1, "verify/answerBatch", {"pairs": [
         {"solution": "So she has 12 apples.\n#### 1,200", "reference": "1200"},
         {"answer": "(1, 2]", "reference": "(1,2)"},
         {"answer": "x^2-1", "reference": "(x-1)(x+1)"},
         {"answer": "\\{3, 1, 2\\}", "reference": "\\{1,2,3\\}"}]})], []),
    ("verify.steps", "verify/steps", "Score each step with a verifier model (judge profile; a synthetic model here).", True,
     [LOAD, rpc(2, "verify/steps", {"model": "tiny", "profile": "judge", "question": "What is 2 + 3?",
                                    "solution": "2 + 3 = 5\nso the answer is 5"})], ["result.bytesResident"]),
    ("verify.outcome", "verify/outcome", "Score a whole solution once.", True,
     [LOAD, rpc(2, "verify/outcome", {"model": "tiny", "profile": "judge", "question": "What is 2 + 3?",
                                      "solution": "The answer is 5."})], ["result.bytesResident"]),
    ("verify.rank", "verify/rank", "Best-of-N by majority vote (no model), with a reference.", True,
     [rpc(1, "verify/rank", {"question": "What is 3 * 4?", "reference": "12", "candidates": [
         "3 * 4 = 12, so \\boxed{12}", "Adding gives 15.\n#### 15", "The answer is 12.", "I am not sure."]})], []),
    ("verify.rank.weighted", "verify/rank", "Verifier-weighted vote (SC+verifier) with a loaded verifier model.", True,
     [LOAD, rpc(2, "verify/rank", {"question": "What is 3 * 4?", "method": "weighted", "model": "tiny", "profile": "judge",
                                   "candidates": ["so \\boxed{12}", "#### 15", "The answer is 12."]})], ["result.bytesResident"]),
    ("verify.profiles.save", "verify/profiles/save", "Store a user-defined verifier profile.", True,
     [rpc(1, "verify/profiles/save", {"profile": MY_PROFILE})], []),
    ("verify.profiles.list", "verify/profiles/list", "Built-in and stored profiles.", True,
     [rpc(1, "verify/profiles/save", {"profile": MY_PROFILE}), rpc(2, "verify/profiles/list")], []),
    ("verify.profiles.delete", "verify/profiles/delete", "Delete a stored profile; a second delete finds nothing.", True,
     [rpc(1, "verify/profiles/save", {"profile": MY_PROFILE}), rpc(2, "verify/profiles/delete", {"name": "my-judge"}),
      rpc(3, "verify/profiles/delete", {"name": "my-judge"})], []),
    ("verify.critique", "verify/critique", "Step-by-step feedback and its parsed verdicts (a random model writes nonsense).", True,
     [LOAD, rpc(2, "verify/critique", {"model": "tiny", "question": "What is 2 + 2?", "solution": "Step 1: 2 + 2 = 4", "maxTokens": 16})],
     ["result.bytesResident"]),
    ("instructions.check", "instructions/check", "Check one response; loose mode forgives a chatty first line.", True,
     [rpc(1, "instructions/check", {"response": "Sure, here it is:\nTHE SKY IS BLUE AND THE GRASS IS GREEN",
                                    "instructions": [{"id": "change_case:english_capital"},
                                                     {"id": "length_constraints:number_words",
                                                      "kwargs": {"num_words": 5, "relation": "at least"}},
                                                     {"id": "punctuation:no_comma"}]})], []),
    ("instructions.checkBatch", "instructions/checkBatch", "Check several responses; IFEval's four accuracies.", True,
     [rpc(1, "instructions/checkBatch", {"mode": "both", "rows": [
         {"response": "Paris is the capital of France.", "instructions": [
             {"id": "change_case:english_lowercase"}, {"id": "keywords:existence", "kwargs": {"keywords": ["Paris"]}}]},
         {"response": "my answer is short and all lower case", "instructions": [
             {"id": "change_case:english_lowercase"}, {"id": "length_constraints:number_words",
                                                       "kwargs": {"num_words": 20, "relation": "less than"}}]}]})], []),
    ("instructions.register", "instructions/register",
     "Cross-validate functions against cases (AutoIF); the function that disagrees with the cases is dropped.", True,
     [rpc(1, "instructions/register", {"instruction": "Answer in at least three words.",
                                       "functions": [AT_LEAST_3, AT_LEAST_3_B, ALWAYS_TRUE], "cases": CASES})],
     ["result.createdAt"]),
    ("instructions.register.answers", "instructions/register",
     "Register from an AutoIF answer: a model reply holding a ```json {func, cases} block.", True,
     [rpc(1, "instructions/register", {"instruction": "Reply in capital letters only.", "answers": [
         "Here is the verifier:\n```json\n" + json.dumps({"func": UPPER, "cases": [
             {"input": "HELLO THERE", "output": True}, {"input": "Hello there", "output": False}]}) + "\n```"]})],
     ["result.createdAt"]),
    ("instructions.list", "instructions/list", "Registered instructions, newest first.", True,
     [REGISTER, rpc(2, "instructions/list", {"limit": 10})],
     ["result.createdAt", "result.instructions[0].createdAt"]),
    ("instructions.get", "instructions/get", "One instruction with its functions' sources and scores.", True,
     [REGISTER, rpc(2, "instructions/get", {"id": 1})], ["result.createdAt"]),
    ("instructions.delete", "instructions/delete", "Delete an instruction; a second delete finds nothing.", True,
     [REGISTER, rpc(2, "instructions/delete", {"id": 1}), rpc(3, "instructions/delete", {"id": 1})],
     ["result.createdAt"]),
    ("instructions.evaluate", "instructions/evaluate", "Each response's pass rate over the given functions.", True,
     [rpc(1, "instructions/evaluate", {"functions": [AT_LEAST_3, UPPER],
                                       "responses": ["YES", "yes it is", "YES IT IS"]})], []),
    ("instructions.filter", "instructions/filter", "Rejection sampling with DPO pairs.", True,
     [rpc(1, "instructions/filter", {"functions": [AT_LEAST_3, UPPER], "pairs": True,
                                     "responses": ["YES IT IS", "no", "yes it is"]})], []),
    ("model.load", "model/load", "Load a GGUF model (here a synthetic one: minos-bench make-model).", True,
     [rpc(1, "model/load", {"path": MODEL["path"], "name": "tiny"})], ["result.bytesResident"]),
    ("model.list", "model/list", "Loaded models and the memory budget.", True,
     [LOAD, rpc(2, "model/list")], ["result.bytesResident", "result.models[0].bytesResident"]),
    ("model.unload", "model/unload", "Unload a model; its memory returns to the budget.", True,
     [LOAD, rpc(2, "model/unload", {"name": "tiny"}), rpc(3, "model/list")], ["result.bytesResident"]),
    ("text.tokenize", "text/tokenize", "Token ids (and pieces) of a text.", True,
     [LOAD, rpc(2, "text/tokenize", {"model": "tiny", "text": "the quick brown fox", "pieces": True})],
     ["result.bytesResident"]),
    ("text.detokenize", "text/detokenize", "Text of token ids.", True,
     [LOAD, rpc(2, "text/detokenize", {"model": "tiny", "tokens": [315, 101, 279, 117, 105, 99, 107]})],
     ["result.bytesResident"]),
    ("text.generate", "text/generate", "Greedy generation streamed as partial results.", True,
     [LOAD, rpc(2, "text/generate", {"model": "tiny", "prompt": "the quick brown fox", "maxTokens": 4,
                                     "temperature": 0, "partialResultToken": "gen-1"})],
     ["result.bytesResident", "result.timings.prefillSeconds", "result.timings.decodeSeconds",
      "result.timings.prefillTokensPerSecond", "result.timings.decodeTokensPerSecond"]),
    ("text.generate.tokens", "text/generate", "Token ids in, each generated token's log-probability and top 2 alternatives out.", True,
     [LOAD, rpc(2, "text/generate", {"model": "tiny", "prompt": [315, 101, 279, 117], "maxTokens": 2,
                                     "temperature": 0, "logprobs": 2})],
     ["result.bytesResident", "result.timings.prefillSeconds", "result.timings.decodeSeconds",
      "result.timings.prefillTokensPerSecond", "result.timings.decodeTokensPerSecond"]),
    ("text.score", "text/score", "Log-probabilities of a continuation, with the top 2 alternatives.", True,
     [LOAD, rpc(2, "text/score", {"model": "tiny", "prompt": "the quick", "continuation": " brown fox", "topK": 2})],
     ["result.bytesResident"]),
    ("session.open", "session/open", "Open a session on a prompt; a later request reuses it.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox jumps over the lazy dog"})],
     ["result.session.idleSeconds"]),
    ("session.open.compressed", "session/open", "Open a session with PyramidKV compression of its prompt.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": " ".join(["the quick brown fox jumps over the lazy dog"] * 8),
                                    "compression": {"method": "pyramid", "budget": 16, "window": 4}})],
     ["result.session.idleSeconds"]),
    ("session.append", "session/append", "Append text: only the new tokens are evaluated.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/append", {"sessionId": "s1", "text": " jumps over the lazy dog"})],
     ["result.session.idleSeconds"]),
    ("session.generate", "session/generate", "Generate from a session, keeping the tokens in it.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/generate", {"sessionId": "s1", "maxTokens": 3, "temperature": 0}), rpc(4, "session/list")],
     ["result.session.idleSeconds", "result.sessions[0].idleSeconds", "result.timings.prefillSeconds", "result.timings.decodeSeconds",
      "result.timings.prefillTokensPerSecond", "result.timings.decodeTokensPerSecond"]),
    ("session.score", "session/score", "Score a continuation from a session's cached state.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick"}),
      rpc(3, "session/score", {"sessionId": "s1", "continuation": " brown fox"})],
     ["result.session.idleSeconds"]),
    ("session.fork", "session/fork", "Fork a session: the new one shares the cached prefix.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/fork", {"sessionId": "s1"})],
     ["result.session.idleSeconds", "result.idleSeconds"]),
    ("session.truncate", "session/truncate", "Roll a session back to its first 2 tokens.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/truncate", {"sessionId": "s1", "tokens": 2})],
     ["result.session.idleSeconds", "result.idleSeconds"]),
    ("session.close", "session/close", "Close a session; closing it again says it was closed.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/close", {"sessionId": "s1"}), rpc(4, "session/close", {"sessionId": "s1"})],
     ["result.session.idleSeconds", "result.idleSeconds"]),
    ("session.list", "session/list", "Open and saved sessions, and recent evictions.", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}), rpc(3, "session/list")],
     ["result.session.idleSeconds", "result.sessions[0].idleSeconds"]),
    ("session.save", "session/save", "Save a session under a name and restore it (here in the same daemon).", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/save", {"sessionId": "s1", "name": "fox"}), rpc(4, "session/restore", {"name": "fox", "model": "tiny"})],
     ["result.session.idleSeconds"], ["--session-dir", "/tmp/minos-examples/sessions-save"]),
    ("session.restore", "session/restore", "Restore a saved session; a damaged or foreign file is refused (-33011).", True,
     [LOAD, rpc(2, "session/open", {"model": "tiny", "prompt": "the quick brown fox"}),
      rpc(3, "session/save", {"sessionId": "s1", "name": "fox"}), rpc(4, "session/restore", {"name": "fox", "model": "tiny"}),
      rpc(5, "session/restore", {"name": "nothing-here", "model": "tiny"})],
     ["result.session.idleSeconds", "error.data.file"], ["--session-dir", "/tmp/minos-examples/sessions"]),
    ("decode.contrastive", "decode/contrastive", "Greedy speculative contrastive decoding: the amateur drafts 4 tokens a round, the expert checks them in one pass.", True,
     [LOAD, LOAD_AMATEUR, rpc(2, "decode/contrastive", {"expert": "tiny", "amateur": "amateur", "prompt": "the quick brown fox",
                                                         "mode": "scd", "gamma": 4, "temperature": 0, "maxTokens": 8, "ignoreEOS": True})],
     ["result.bytesResident", "result.timings.prefillSeconds", "result.timings.decodeSeconds",
      "result.timings.prefillTokensPerSecond", "result.timings.decodeTokensPerSecond"]),
    ("decode.contrastive.speculative", "decode/contrastive", "Seeded speculative sampling: the output follows the expert's distribution.", True,
     [LOAD, LOAD_AMATEUR, rpc(2, "decode/contrastive", {"expert": "tiny", "amateur": "amateur", "prompt": "the quick brown fox",
                                                         "mode": "speculative", "temperature": 1, "seed": 7, "maxTokens": 8, "ignoreEOS": True})],
     ["result.bytesResident", "result.timings.prefillSeconds", "result.timings.decodeSeconds",
      "result.timings.prefillTokensPerSecond", "result.timings.decodeTokensPerSecond"]),
    ("backend.add", "backend/add", "Define a remote OpenAI-compatible backend (the key stays in the named environment variable).", True,
     [rpc(1, "backend/add", {"name": "big", "kind": "remote", "model": "llama-3-70b", "baseURL": "http://127.0.0.1:8000/v1",
                             "apiKeyEnv": "BIG_API_KEY", "costPer1kTokens": 0.6})], []),
    ("backend.list", "backend/list", "List backends: a local model and a remote endpoint (never a key).", True,
     [rpc(1, "backend/add", {"name": "small", "kind": "local", "model": "tiny"}),
      rpc(2, "backend/add", {"name": "big", "kind": "remote", "model": "llama-3-70b", "baseURL": "http://127.0.0.1:8000",
                             "apiKeyEnv": "BIG_API_KEY", "timeoutSeconds": 30, "costPer1kTokens": 0.6}),
      rpc(3, "backend/list")], []),
    ("backend.remove", "backend/remove", "Remove a backend; removing it again is -33008.", True,
     [rpc(1, "backend/add", {"name": "small", "kind": "local", "model": "tiny"}), rpc(2, "backend/remove", {"name": "small"}),
      rpc(3, "backend/remove", {"name": "small"})], []),
    ("text.embed", "text/embed", "Embeddings of two texts from a decoder model (mean of its last hidden states, unit length).", True,
     [LOAD, rpc(2, "text/embed", {"model": "tiny", "texts": ["the quick brown fox", "a lazy dog"]})], ["result.bytesResident"]),
    ("route.train", "route/train", "Train a router over two backends on six queries (Zooter's reward distillation).", True,
     [LOAD] + ROUTE_SETUP, ROUTE_VOLATILE),
    ("route.list", "route/list", "The stored routers.", True, [LOAD] + ROUTE_SETUP + [rpc(2, "route/list")], ROUTE_VOLATILE),
    ("route.delete", "route/delete", "Delete a router.", True, [LOAD] + ROUTE_SETUP + [rpc(2, "route/delete", {"router": "topics"})],
     ROUTE_VOLATILE),
    ("route.query", "route/query", "Route two queries: the distribution over backends and the choice.", True,
     [LOAD] + ROUTE_SETUP + [rpc(2, "route/query", {"router": "topics", "queries": ["integral of sine", "a poem about rain"]})],
     ROUTE_VOLATILE),
    ("route.calibrate", "route/calibrate", "The cost weight that sends at most half of the sample queries to the expensive backend.", True,
     [LOAD] + ROUTE_SETUP + [rpc(2, "route/calibrate", {"router": "topics", "queries": ["integral of sine", "a poem about rain",
                                                                                      "a story about a cat", "the limit of 1/n"],
                                                       "share": 0.5})],
     ROUTE_VOLATILE + ["result.costWeight"]),
    ("route.generate", "route/generate", "Route a query and generate on the chosen backend.", True,
     [LOAD] + ROUTE_SETUP + [rpc(2, "route/generate", {"router": "topics", "query": "integral of sine", "maxTokens": 4, "temperature": 0})],
     ROUTE_VOLATILE),
    ("model.merge", "model/merge", "Merge two fine-tunes of one shape into their base with TIES (here two random models stand in for them).", True,
     [rpc(1, "model/merge", {"output": MERGED, "base": MODEL["path"], "models": [MODEL["path"], AMATEUR["path"]],
                             "weights": [0.5, 0.5], "method": "ties", "density": 0.5, "outputType": "q8_0"})],
     ["result.seconds"]),
    ("data.select", "data/select", "Pick 2 of 5 texts by k-center on the model's embeddings, with the coverage radius and Vendi scores.", True,
     [LOAD, rpc(2, "data/select", {"model": "tiny", "k": 2, "texts": ["solve the integral", "integrate x squared", "write a poem",
                                                                     "a sonnet about rain", "compile the program"]})],
     ["result.bytesResident"]),
    ("data.import", "data/import", "Store a JSONL file as a named dataset.", True,
     [rpc(1, "data/import", {"name": "math", "file": "/tmp/minos-examples/mix/math.jsonl"})], ["result.createdAt"]),
    ("data.list", "data/list", "The stored datasets.", True,
     [rpc(1, "data/import", {"name": "greetings", "texts": ["hello", "good morning", "good evening"]}), rpc(2, "data/list")],
     ["result.createdAt", "result.datasets[0].createdAt"]),
    ("data.delete", "data/delete", "Delete a stored dataset.", True,
     [rpc(1, "data/import", {"name": "greetings", "texts": ["hello", "good morning"]}), rpc(2, "data/delete", {"name": "greetings"})],
     ["result.createdAt"]),
    ("roleplay.generate", "roleplay/generate",
     "A role-play round for a character with two given questions: answers in character and the judge's verdicts (a random tiny model answers).", True,
     [LOAD_ROLEPLAY, rpc(2, "roleplay/generate", {"model": "tiny", "character": CHARACTER, "questions": ["Where were you born?", "Whom did you marry?"],
                                                   "maxTokens": 8, "seed": 1})], ["result.bytesResident"]),
    ("roleplay.check", "roleplay/check", "Judge one exchange against the character's profile.", True,
     [LOAD_ROLEPLAY, rpc(2, "roleplay/check", {"model": "tiny", "character": CHARACTER,
                                                "dialogue": [{"question": "Where were you born?", "answer": "In Warsaw, in 1867."}]})],
     ["result.bytesResident"]),
    ("roleplay.templates.list", "roleplay/templates/list", "The templates in use (here all built-in).", True,
     [rpc(1, "roleplay/templates/list")], []),
    ("roleplay.templates.save", "roleplay/templates/save", "Replace the query template.", True,
     [rpc(1, "roleplay/templates/save", {"name": "query", "template": "List {{count}} questions a journalist would ask {{name}}, one per line.\n{{profile}}"})],
     ["result.updatedAt"]),
    ("roleplay.templates.reset", "roleplay/templates/reset", "Go back to the built-in query template.", True,
     [rpc(1, "roleplay/templates/save", {"name": "query", "template": "Ask {{name}} {{count}} questions."}),
      rpc(2, "roleplay/templates/reset", {"name": "query"})], ["result.updatedAt"]),
    ("data.mix", "data/mix", "DMT's two-stage plan from two specialized sets and a general one (fraction 1/256).", True,
     [rpc(1, "data/mix", {"specialized": {"math": "/tmp/minos-examples/mix/math.jsonl", "code": "/tmp/minos-examples/mix/code.jsonl"},
                          "general": "/tmp/minos-examples/mix/general.jsonl", "outputDirectory": "/tmp/minos-examples/mix/out"})], []),
    ("daemon.sleep", "daemon/sleep", "Sleep with work-done progress (begin, reports, end, then the reply).", True,
     [rpc(1, "daemon/sleep", {"milliseconds": 20, "steps": 2, "workDoneToken": "sleep-1"})], []),
]


def frame(msg):
    body = json.dumps(msg, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        byte = stream.read(1)
        if not byte:
            return None
        header += byte
    length = int(header.split(b":")[1])
    return json.loads(stream.read(length))


def converse(sent, skip_id=None, arguments=()):
    """Sends each message; after a request, reads until its reply. Returns the exchange and exit code."""
    proc = subprocess.Popen([MINOSD, "--db", ":memory:", "--log-level", "error", *arguments],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    exchange = []
    for item in sent:
        wait = not isinstance(item, NoWait)
        msg = item.msg if isinstance(item, NoWait) else item
        proc.stdin.write(frame(msg))
        proc.stdin.flush()
        if msg.get("id") != skip_id:
            exchange.append({"send": msg})
        if wait and "id" in msg:
            while True:
                reply = read_message(proc.stdout)
                if reply.get("id") != skip_id:
                    exchange.append({"receive": reply})
                if reply.get("id") == msg["id"]:
                    break
    proc.stdin.close()
    while True:  # replies still owed (e.g. to a cancelled request)
        reply = read_message(proc.stdout)
        if reply is None:
            break
        exchange.append({"receive": reply})
    return exchange, proc.wait(timeout=60)


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(os.path.dirname(MODEL["path"]), exist_ok=True)
    for spec in (MODEL, AMATEUR, ROLEPLAY_MODEL):
        subprocess.run([BENCH, "make-model", "--architecture", spec["architecture"], "--type", spec["type"],
                        "--seed", str(spec["seed"]), "--output", spec["path"]]
                       + (["--context", str(spec["context"])] if "context" in spec else []), check=True, capture_output=True)
    for path, content in MIX_FILES.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
    for entry in EXAMPLES:
        name, method, description, handshake, messages, volatile = entry[:6]
        arguments = entry[6] if len(entry) > 6 else []
        if "--session-dir" in arguments:
            shutil.rmtree(arguments[arguments.index("--session-dir") + 1], ignore_errors=True)
        exchange, code = converse((HANDSHAKE if handshake else []) + messages, skip_id=0 if handshake else None,
                                  arguments=arguments)
        if handshake:
            exchange = [step for step in exchange if step.get("send", {}).get("method") != "initialized"]
        example = {"method": method, "description": description, "handshake": handshake,
                   "exchange": exchange, "volatile": volatile}
        if arguments:
            example["arguments"] = arguments
        if method in ("data/mix", "data/import"):
            example["files"] = MIX_FILES
        if LOAD_ROLEPLAY in messages:
            example["model"] = ROLEPLAY_MODEL
        if LOAD in messages or method == "model/load":
            example["model"] = MODEL
        if LOAD_AMATEUR in messages or method == "model/merge":
            example["models"] = [AMATEUR]
        if method == "model/merge":
            example["model"] = MODEL
        if method == "exit":
            example["exitCode"] = code
        if method == "rpc.discover":
            exchange[-1]["receive"]["result"]["methods"] = []
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(example, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"{name}: {sum('receive' in step for step in exchange)} messages received", file=sys.stderr)


if __name__ == "__main__":
    main()
