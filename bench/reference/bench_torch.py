#!/usr/bin/env python3
"""Throughput of the PyTorch arch2vec reference (arch2vec_torch.py) on this machine, for comparison with
the TypeScript engine. Inputs are real cell encodings from cells.json (export-cells.ts).

  /usr/bin/python3 bench/reference/bench_torch.py [--seconds 15] [--json OUT]

Each step figure is printed overall and over 1-second windows (median / best): the machines are shared
and noisy; compare the same statistic, ideally from interleaved runs.

Measures, with torch.set_num_threads(1) (torch's default here; OpenBLAS keeps its own 2 threads and
forcing 2 torch threads oversubscribes the 2 cores, see docs/machine-facts.md):
  nb201 train   full training step in train mode (batch-statistic BN, reparameterisation noise,
                decoder dropout 0.3) + loss + backward + clip_grad_norm_(5) + Adam, batch 32, 8 nodes,
                7 op columns, batches drawn in a fixed random permutation of the 15,625 NB201 cells
  nb201 eval    the same step with the model in eval mode (the reference trains that way after epoch 1)
  nb101 train   the train-mode step on 7-node, 5-column NB101 cells (500 real cells, cycled)
  darts train / darts eval   the step in train / eval mode on 11-node, 11-column DARTS normal cells
                (1,225 real NB301 genotypes, cycled): the shape of one DARTS pretraining epoch
  embed         eval-mode mu for all 15,625 NB201 cells in chunks of 500, node mean (no gradients)
  knn           exact 10-NN over 423,624 x 16 (matmul expansion + topk), median over 200 queries
"""
import argparse
import json
import os
import platform
import time

import torch

import arch2vec_torch as R

HERE = os.path.dirname(os.path.abspath(__file__))


def load_cells():
    path = os.path.join(HERE, 'cells.json')
    if not os.path.exists(path):
        raise SystemExit('%s missing: run node --import tsx bench/reference/export-cells.ts' % path)
    cells = json.load(open(path))
    a = cells['nb201']
    n, d = a['nodes'], a['opColumns']
    cols = torch.tensor([[int(c) for c in s] for s in a['columns']])
    ops201 = torch.nn.functional.one_hot(cols, d).float()
    adj201 = torch.tensor(a['adjacency'], dtype=torch.float32).expand(len(cols), n, n).contiguous()
    return (ops201, adj201), padded(cells['nb101']), padded(cells['darts'])


def padded(b):
    """Cells given as adjacency rows and one-hot columns (-1 = padding node) -> (ops, adj) tensors."""
    n, d = b['nodes'], b['opColumns']
    adj = torch.tensor([c['adjacency'] for c in b['cells']], dtype=torch.float32)
    ops = torch.zeros(len(b['cells']), n, d)
    for i, c in enumerate(b['cells']):
        for r, j in enumerate(c['columns']):
            if j >= 0:
                ops[i, r, j] = 1
    return ops, adj


def bench_train(ops, adj, seconds, mode='train', batch=32, seed=3):
    torch.manual_seed(seed)
    model = R.Arch2vec(ops.shape[2])
    model.train(mode == 'train')
    opt = R.make_optimizer(model)
    perm = torch.randperm(ops.shape[0])
    ops, adj = ops[perm], adj[perm]
    nb = ops.shape[0] // batch
    batches = [(ops[i * batch:(i + 1) * batch], adj[i * batch:(i + 1) * batch]) for i in range(nb)]
    for i in range(20):  # warm-up
        R.train_step(model, opt, *batches[i % nb])
    # Rates over 1-second windows as well as overall: the machine is shared, and the best window is
    # the closest to an uncontended figure.
    steps, first, last = 0, None, None
    windows, w_steps = [], 0
    t0 = time.perf_counter()
    c0 = time.process_time()  # CPU time of all threads (OpenBLAS included): robust to a shared machine's load
    w0 = t0
    while time.perf_counter() - t0 < seconds:
        loss = R.train_step(model, opt, *batches[steps % nb]).item()
        first = loss if first is None else first
        last = loss
        steps += 1
        w_steps += 1
        now = time.perf_counter()
        if now - w0 >= 1.0:
            windows.append(w_steps * batch / (now - w0))
            w0, w_steps = now, 0
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    windows.sort()
    return {'graphs_per_s': steps * batch / dt, 'graphs_per_cpu_s': steps * batch / cpu, 'best_window': windows[-1] if windows else None,
            'median_window': windows[len(windows) // 2] if windows else None,
            'steps': steps, 'seconds': dt, 'loss_first': first, 'loss_last': last}


def bench_embed(ops, adj, repeats=5, chunk=500):
    torch.manual_seed(0)
    model = R.Arch2vec(ops.shape[2])
    model.eval()
    times = []
    cpus = []
    with torch.no_grad():
        for _ in range(repeats):
            t0 = time.perf_counter()
            c0 = time.process_time()
            out = [model.encoder(ops[i:i + chunk], adj[i:i + chunk])[0].mean(1) for i in range(0, ops.shape[0], chunk)]
            emb = torch.cat(out)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
    assert emb.shape == (ops.shape[0], R.LATENT)
    times.sort()
    return {'cells': ops.shape[0], 'best_s': times[0], 'median_s': times[len(times) // 2], 'best_cpu_s': min(cpus)}


def bench_knn(count=423624, dim=16, queries=200, k=10):
    """Exact k-NN as a PyTorch user writes it: precomputed squared norms, ||x||^2 - 2 x.q + ||q||^2 as
    one matrix-vector product, torch.topk (no full sort). Random normal table (the NB101 space's size)."""
    g = torch.Generator().manual_seed(1)
    table = torch.randn(count, dim, generator=g)
    norms = (table * table).sum(1)
    times = []
    c_total = 0.0
    for r in range(queries + 20):
        q = torch.randn(dim, generator=g)
        t0 = time.perf_counter()
        c0 = time.process_time()
        d = norms - 2 * (table @ q) + (q * q).sum()
        torch.topk(d, k, largest=False)
        dt = time.perf_counter() - t0
        if r >= 20:
            times.append(dt * 1000)
            c_total += time.process_time() - c0
    times.sort()
    return {'count': count, 'dim': dim, 'median_ms': times[len(times) // 2], 'min_ms': times[0], 'cpu_ms': c_total * 1000 / queries}


def show(what, r):
    print('%s: %.0f graphs/s overall, 1-s windows median %.0f / best %.0f (%d steps in %.1f s, loss %.3f -> %.3f); %.0f graphs per CPU-second' % (
        what, r['graphs_per_s'], r['median_window'], r['best_window'], r['steps'], r['seconds'], r['loss_first'], r['loss_last'], r['graphs_per_cpu_s']), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=15.0)
    ap.add_argument('--json', help='also write the results to this file')
    ap.add_argument('--only', default='nb201_train,nb201_eval,nb101_train,darts_train,darts_eval,embed,knn',
                    help='comma-separated subset of nb201_train,nb201_eval,nb101_train,darts_train,darts_eval,embed,knn (short interleaved runs)')
    ap.add_argument('--embed-repeats', type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    (ops201, adj201), (ops101, adj101), (opsd, adjd) = load_cells()
    res = {
        'date': time.strftime('%Y-%m-%d'), 'torch': torch.__version__, 'threads': torch.get_num_threads(),
        'cpu': platform.processor() or platform.machine(), 'cores': os.cpu_count(),
    }
    only = set(args.only.split(','))
    if 'nb201_train' in only:
        res['nb201_train'] = bench_train(ops201, adj201, args.seconds, 'train')
        show('NB201 train-mode step (B=32, N=8, D=7)', res['nb201_train'])
    if 'nb201_eval' in only:
        res['nb201_eval'] = bench_train(ops201, adj201, args.seconds, 'eval')
        show('NB201 eval-mode step (reference epochs 2..N)', res['nb201_eval'])
    if 'nb101_train' in only:
        res['nb101_train'] = bench_train(ops101, adj101, args.seconds, 'train')
        show('NB101 train-mode step (B=32, N=7, D=5)', res['nb101_train'])
    for mode in ('train', 'eval'):
        if 'darts_' + mode in only:
            res['darts_' + mode] = bench_train(opsd, adjd, args.seconds, mode)
            show('DARTS %s-mode step (B=32, N=%d, D=%d)' % (mode, opsd.shape[1], opsd.shape[2]), res['darts_' + mode])
    if 'embed' in only:
        res['embed_nb201'] = bench_embed(ops201, adj201, args.embed_repeats)
        print('embed all %d NB201 cells (chunks of 500, no grad): best %.3f s, median %.3f s, cpu %.3f s' % (
            res['embed_nb201']['cells'], res['embed_nb201']['best_s'], res['embed_nb201']['median_s'], res['embed_nb201']['best_cpu_s']), flush=True)
    if 'knn' in only:
        res['knn'] = bench_knn()
        print('k-NN (k=10) over %d x %d (matmul expansion + topk): median %.2f ms, min %.2f ms, mean cpu %.2f ms' % (
            res['knn']['count'], res['knn']['dim'], res['knn']['median_ms'], res['knn']['min_ms'], res['knn']['cpu_ms']), flush=True)
    if args.json:
        json.dump(res, open(args.json, 'w'), indent=1)


if __name__ == '__main__':
    main()
