"""Counts what PyTorch sees in arch2vec's exported modules (used by test/export.test.ts).

stdin: a JSON list of jobs {"path": module.py or "source": its text, "id": a label, "input": side, "batch": n, "forward": "none"|"meta"|"real",
"train": bool}. stdout: one JSON object per job: {"id", "params" (all), "params_main" (without
"auxiliary_head."), "flops" (conv + linear multiply-adds per image, a bias adding one per output; eval
mode), "shape" (output shape of the forward pass), "aux_shape" (training mode: logits_aux's shape)}.
With "fast": true, weight initialisation is skipped: counting needs shapes only.
"""
import importlib.util
import json
import sys
import types

import torch
from torch import nn


def load(job, index):
    """Imports a module file ("path") or runs a module's text ("source", for thousands of cells)."""
    if "path" in job:
        spec = importlib.util.spec_from_file_location(f"exported_{index}", job["path"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    module = types.ModuleType(f"exported_{index}")
    exec(compile(job["source"], f"<exported {index}>", "exec"), module.__dict__)
    return module


def count_flops(model, x):
    total = [0]

    def conv_hook(m, inputs, output):
        kh, kw = m.kernel_size
        per_position = kh * kw * (m.in_channels // m.groups) * m.out_channels
        positions = output.shape[2] * output.shape[3]
        total[0] += per_position * positions + (m.out_channels * positions if m.bias is not None else 0)

    def linear_hook(m, inputs, output):
        total[0] += m.in_features * m.out_features + (m.out_features if m.bias is not None else 0)

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    return total[0], y


def main():
    jobs = json.load(sys.stdin)
    if jobs and jobs[0].get("fast"):
        for cls in (nn.Conv2d, nn.Linear, nn.BatchNorm2d):
            cls.reset_parameters = lambda self: None
    torch.manual_seed(0)
    for i, job in enumerate(jobs):
        module = load(job, i)
        model = module.build_model()
        row = {
            "id": job.get("id", job.get("path")),
            "params": sum(p.numel() for p in model.parameters()),
            "params_main": sum(p.numel() for n, p in model.named_parameters() if not n.startswith("auxiliary_head.")),
            "printed": module.count_parameters(model),
        }
        mode = job.get("forward", "none")
        if mode != "none":
            side, batch = job["input"], job.get("batch", 2)
            model.eval()
            if mode == "meta":
                model = model.to("meta")
                x = torch.randn(batch, 3, side, side, device="meta")
            else:
                x = torch.randn(batch, 3, side, side)
            row["flops"], y = count_flops(model, x)
            row["shape"] = list(y.shape)
            if job.get("train") and mode == "real":
                model.train()
                if hasattr(model, "drop_path_prob"):
                    model.drop_path_prob = 0.2
                y = model(x)
                y.sum().backward()
                row["train_shape"] = list(y.shape)
                aux = getattr(model, "logits_aux", None)
                row["aux_shape"] = list(aux.shape) if aux is not None else None
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
