#!/usr/bin/env python3
"""Time to quality of the PyTorch reference: a whole NB201 pretraining with the reference protocol,
printing after every epoch its wall/CPU time and the Table 1 metrics, as JSON lines on stdout.

  /usr/bin/python3 bench/reference/quality_torch.py [--epochs 10] [--samples 10000] [--seed 3]

The protocol is the official pretraining_nasbench201.py's (docs/reference-notes.md §1.5, §2.3, §3), on
the model of arch2vec_torch.py and the 15,625 real cells of cells.json:
  - split: first 90% of the cells (benchmark index order) train, last 10% held out, each permuted once;
    batch 32 with torch.split (last batch smaller), no reshuffle between epochs;
  - epoch 1 trains in train mode; the metrics then call model.eval() and nothing calls model.train()
    again, so epochs 2..N train in eval mode (the reference's quirk, `--reference-eval-mode` on our side);
  - held-out reconstruction in eval mode, chunks of 500 (ops argmax accuracy over all node rows;
    adjacency accuracy of p > 0.5 over the strict upper triangle);
  - validity / uniqueness of 10,000 latent samples drawn per node position from N(mean, std) of the
    epoch's training mu, decoded ONE GRAPH AT A TIME as the official script does (that loop is a large
    part of the reference's epoch time); NB201 validity looks at op labels only (node 1 unchecked);
    uniqueness counts distinct nasbench `hash_module` fingerprints of the valid decodings.

Each line: {"epoch", "mode", "trainSeconds", "metricSeconds", "cpuSeconds" (process, all threads),
"maxRssMB", "loss", "accOps", "accAdj", "validity", "uniqueness"}; a first {"ready": ...} line marks the
end of imports and data loading. bench/quality.ts drives this script and our engine side by side.
"""
import argparse
import hashlib
import json
import os
import resource
import sys
import time

import numpy as np
import torch

import arch2vec_torch as R
from bench_torch import load_cells


def hash_module(matrix, labeling):
    """nasbench's graph_util.hash_module (Weisfeiler-Lehman style md5 hash of a labelled DAG)."""
    vertices = matrix.shape[0]
    in_edges = matrix.sum(axis=0).tolist()
    out_edges = matrix.sum(axis=1).tolist()
    hashes = [hashlib.md5(str(h).encode('utf-8')).hexdigest() for h in zip(out_edges, in_edges, labeling)]
    for _ in range(vertices):
        new_hashes = []
        for v in range(vertices):
            ins = [hashes[w] for w in range(vertices) if matrix[w, v]]
            outs = [hashes[w] for w in range(vertices) if matrix[v, w]]
            new_hashes.append(hashlib.md5((''.join(sorted(ins)) + '|' + ''.join(sorted(outs)) + '|' + hashes[v]).encode('utf-8')).hexdigest())
        hashes = new_hashes
    return hashlib.md5(str(sorted(hashes)).encode('utf-8')).hexdigest()


def is_valid_nasbench201(ops):
    """utils.is_valid_nasbench201: first = input (0), last = output (6), nodes 2..6 an edge op (1..5)."""
    if ops[0] != 0 or ops[-1] != 6:
        return False
    return all(1 <= ops[i] <= 5 for i in range(2, len(ops) - 1))


def reconstruction(model, ops, adj, chunk=500):
    n = ops.shape[1]
    upper = torch.triu(torch.ones(n, n), diagonal=1)
    rows = hit_ops = hit_adj = cells = 0
    with torch.no_grad():
        for s in range(0, ops.shape[0], chunk):
            o, a = ops[s:s + chunk], adj[s:s + chunk]
            ops_recon, adj_recon, _, _ = model(o, a)
            hit_ops += int((ops_recon.argmax(2) == o.argmax(2)).sum())
            rows += o.shape[0] * n
            pred = (adj_recon > 0.5).float()
            hit_adj += int(((pred == a).float() * upper).sum())
            cells += o.shape[0] * n * (n - 1) // 2
    return hit_ops / rows, hit_adj / cells


def validity_uniqueness(model, mean, std, samples):
    n = mean.shape[0]
    valid, seen = 0, set()
    with torch.no_grad():
        for _ in range(samples):
            z = torch.randn(n, mean.shape[1]) * std + mean
            ops_recon, adj_recon = model.decoder(z.unsqueeze(0))
            labels = ops_recon[0].argmax(1).tolist()
            a = torch.triu((adj_recon[0] > 0.5).int(), diagonal=1).numpy()
            if is_valid_nasbench201(labels):
                valid += 1
                seen.add(hash_module(a, labels))
    return valid / samples, (len(seen) / valid if valid else 0.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--samples', type=int, default=10000)
    p.add_argument('--seed', type=int, default=3)
    p.add_argument('--batch', type=int, default=32)
    args = p.parse_args()
    torch.set_num_threads(1)  # torch's default here; OpenBLAS keeps its own threads (docs/performance.md)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    (ops, adj), *_ = load_cells()
    count = ops.shape[0]
    n_train = int(count * 0.9)
    train_idx = np.random.permutation(n_train)
    held_idx = n_train + np.random.permutation(count - n_train)
    ops_tr, adj_tr = ops[train_idx], adj[train_idx]
    ops_ho, adj_ho = ops[held_idx], adj[held_idx]
    batches = list(zip(torch.split(ops_tr, args.batch), torch.split(adj_tr, args.batch)))

    model = R.Arch2vec(ops.shape[2])
    opt = R.make_optimizer(model)
    model.train()
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'train': n_train, 'heldOut': count - n_train}), flush=True)

    for epoch in range(1, args.epochs + 1):
        mode = 'train' if model.training else 'eval'
        t0 = time.perf_counter()
        mus, loss_sum = [], 0.0
        for o, a in batches:
            opt.zero_grad()
            ops_recon, adj_recon, mu, logvar = model(o, a)
            total, _, _, _ = R.vae_loss(ops_recon, adj_recon, o, a, mu, logvar)
            total.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
            opt.step()
            mus.append(mu.detach())
            loss_sum += float(total)
        t1 = time.perf_counter()
        model.eval()  # the official script's metrics; it never calls model.train() again
        acc_ops, acc_adj = reconstruction(model, ops_ho, adj_ho)
        z = torch.cat(mus, 0)
        valid, unique = validity_uniqueness(model, z.mean(0), z.std(0), args.samples) if args.samples > 0 else (None, None)
        t2 = time.perf_counter()
        ru = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({
            'epoch': epoch, 'mode': mode, 'trainSeconds': t1 - t0, 'metricSeconds': t2 - t1,
            'cpuSeconds': ru.ru_utime + ru.ru_stime, 'maxRssMB': ru.ru_maxrss / 1024,
            'loss': loss_sum / len(batches), 'accOps': acc_ops, 'accAdj': acc_adj, 'validity': valid, 'uniqueness': unique,
        }), flush=True)


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
