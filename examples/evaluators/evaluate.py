#!/usr/bin/env python3
"""An evaluator for `arch2vec search --objective command` (the contract: `arch2vec search --help`).

    arch2vec search --objective command --command 'python3 examples/evaluators/evaluate.py {cell}' --max-evals 20

What it receives: argv[1] is {cell}, a temporary .cells file holding one NAS-Bench-201 cell, e.g.

    cell nb201_6111
      space: nasbench201
      arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|

({json} would give the same cell as JSON: name, index, space, arch, ops, nodeOps, adjacency; the
same paths are in $ARCH2VEC_CELL_FILE / $ARCH2VEC_CELL_JSON, the index in $ARCH2VEC_CELL_INDEX.)

What it must print: training chatter is fine; the result is the line `accuracy: <percent>` (or, as the
last line, a JSON object {"accuracy": 93.1, "cost": <seconds>}). Exit non-zero on failure: the search
records the reason (the tail of stderr) and goes on. Replace `train` with your real training.
"""
import json
import re
import sys
import time


def train(arch: str) -> float:
    """Stand-in for real training: a deterministic 'accuracy' from the cell's operations."""
    ops = re.findall(r"\|([a-z_0-9]+)~\d", arch)
    score = {"nor_conv_3x3": 4.0, "nor_conv_1x1": 2.5, "skip_connect": 1.0, "avg_pool_3x3": 0.5, "none": 0.0}
    return 65.0 + sum(score.get(op, 0.0) for op in ops)


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8").read()
    m = re.search(r"^\s*arch:\s*(\S+)", text, re.M)
    if not m:
        print(f"evaluate.py: no arch in {sys.argv[1]}", file=sys.stderr)
        return 2
    t0 = time.time()
    accuracy = train(m.group(1))
    print(f"trained {m.group(1)}", flush=True)
    # The result: one JSON object as the last line (`print(f"accuracy: {accuracy:.2f}")` works too).
    print(json.dumps({"accuracy": round(accuracy, 2), "cost": round(time.time() - t0, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
