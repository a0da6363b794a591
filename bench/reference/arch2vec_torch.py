#!/usr/bin/env python3
"""arch2vec graph VAE in PyTorch, written from the description in ../../../shared/docs/arch2vec.md §2
(no code copied from the official repository). Used as the reference for the TypeScript engine:

  /usr/bin/python3 bench/reference/arch2vec_torch.py golden IN.json OUT.json

reads weights + a batch exported by scripts/make-golden.ts and writes the reference outputs,
gradients and the state after one optimiser step (see `golden()` below for exactly what).

Model (§2.1-2.3):
  encoder  H0 = X (one-hot ops), Ã = A + Aᵀ; 4 GIN layers:
           agg = (1 + eps_l)·H + Ã·H, rows (B·N, F) → Linear → BatchNorm1d → ReLU → Linear
           → BatchNorm1d → ReLU (batch norm over all B·N node rows, padding rows included);
           mu = Linear(128→16)(H4), logvar = Linear(128→16)(H4)  ("logvar" is used as log σ)
  reparam  train: z = mu + noise·exp(logvar); eval: z = mu
  decoder  dropout(p=0.3, train only) on z; ops = sigmoid(Linear(16→D)(z)); adj = sigmoid(z·zᵀ)
  loss     BCELoss(ops, X) + BCELoss(triu1(adj), A) + KLD, both BCEs nn.BCELoss means,
           KLD = -0.5/(B·N) · mean_{b,n} Σ_d (1 + 2·logσ − mu² − σ²)
  optim    Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8), clip_grad_norm_(params, 5) before each step
"""
import base64
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = 128
LATENT = 16
GIN_LAYERS = 4
DROPOUT = 0.3


class GinMlp(nn.Module):
    """The 2-layer MLP inside a GIN layer: Linear → BatchNorm1d → ReLU → Linear."""

    def __init__(self, fan_in, hidden):
        super().__init__()
        self.lin0 = nn.Linear(fan_in, hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.lin1 = nn.Linear(hidden, hidden)

    def forward(self, x):
        return self.lin1(F.relu(self.bn(self.lin0(x))))


class Encoder(nn.Module):
    def __init__(self, op_columns, hidden=HIDDEN, latent=LATENT, layers=GIN_LAYERS):
        super().__init__()
        self.hidden = hidden
        self.eps = nn.Parameter(torch.zeros(layers))  # one learnable scalar per GIN layer, init 0
        self.mlps = nn.ModuleList([GinMlp(op_columns if l == 0 else hidden, hidden) for l in range(layers)])
        self.bns = nn.ModuleList([nn.BatchNorm1d(hidden) for _ in range(layers)])
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)

    def forward(self, ops, adj):
        b, n, _ = ops.shape
        a_sym = adj + adj.transpose(1, 2)
        h = ops
        for l, (mlp, bn) in enumerate(zip(self.mlps, self.bns)):
            agg = (1 + self.eps[l]) * h + torch.bmm(a_sym, h)
            x = mlp(agg.reshape(b * n, -1))
            x = F.relu(bn(x))
            h = x.reshape(b, n, self.hidden)
        return self.fc_mu(h), self.fc_logvar(h)


class Decoder(nn.Module):
    def __init__(self, op_columns, latent=LATENT, dropout=DROPOUT):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.ops = nn.Linear(latent, op_columns)

    def forward(self, z):
        z = self.dropout(z)
        ops = torch.sigmoid(self.ops(z))
        adj = torch.sigmoid(torch.bmm(z, z.transpose(1, 2)))
        return ops, adj


class Arch2vec(nn.Module):
    def __init__(self, op_columns, dropout=DROPOUT):
        super().__init__()
        self.encoder = Encoder(op_columns)
        self.decoder = Decoder(op_columns, dropout=dropout)

    def forward(self, ops, adj, noise=None):
        """noise: the reparameterisation ε (same shape as mu); drawn from N(0, I) when None."""
        mu, logvar = self.encoder(ops, adj)
        if self.training:
            if noise is None:
                noise = torch.randn_like(mu)
            z = mu + noise * torch.exp(logvar)
        else:
            z = mu
        ops_recon, adj_recon = self.decoder(z)
        return ops_recon, adj_recon, mu, logvar


def vae_loss(ops_recon, adj_recon, ops, adj, mu, logvar):
    """Returns (total, ops BCE, adj BCE, KLD) as in §2.3."""
    b, n = ops.shape[0], ops.shape[1]
    bce = nn.BCELoss()
    loss_ops = bce(ops_recon, ops)
    loss_adj = bce(torch.triu(adj_recon, diagonal=1), torch.triu(adj, diagonal=1))
    kld = -0.5 / (b * n) * torch.mean(torch.sum(1 + 2 * logvar - mu.pow(2) - torch.exp(logvar).pow(2), 2))
    return loss_ops + loss_adj + kld, loss_ops, loss_adj, kld


def vae_loss_logits(ops_logits, adj_logits, ops, adj, mu, logvar):
    """NOT the reference: the same loss with BCE computed from logits (log σ(x) = -softplus(-x)), as the
    TS engine does. It equals `vae_loss` except where float32 sigmoid saturates to exactly 0 or 1: there
    BCELoss clamps log(0) to -100 (loss 100) and its gradient through sigmoid is exactly 0."""
    b, n = ops.shape[0], ops.shape[1]
    loss_ops = F.binary_cross_entropy_with_logits(ops_logits, ops)
    mask = torch.triu(torch.ones(n, n), diagonal=1)
    loss_adj = (F.binary_cross_entropy_with_logits(adj_logits, adj, reduction='none') * mask).mean()
    kld = -0.5 / (b * n) * torch.mean(torch.sum(1 + 2 * logvar - mu.pow(2) - torch.exp(logvar).pow(2), 2))
    return loss_ops + loss_adj + kld, loss_ops, loss_adj, kld


def saturated(ops_recon, adj_recon, ops, adj):
    """Entries the BCELoss clamp affects: probability exactly 0/1 against the opposite target."""
    n = adj.shape[1]
    up = torch.triu(torch.ones(n, n), diagonal=1).bool().expand_as(adj)

    def count(p, t, m=None):
        bad = ((p == 1) & (t == 0)) | ((p == 0) & (t == 1))
        return int((bad & m).sum().item() if m is not None else bad.sum().item())
    return {'ops': count(ops_recon, ops), 'adj': count(adj_recon, adj, up)}


def make_optimizer(model, lr=1e-3, eps=1e-8):
    return torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=eps)


def train_step(model, opt, ops, adj, clip=5.0, noise=None):
    opt.zero_grad()
    ops_recon, adj_recon, mu, logvar = model(ops, adj, noise)
    total, lo, la, kl = vae_loss(ops_recon, adj_recon, ops, adj, mu, logvar)
    total.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return total


# ---------------------------------------------------------------------------------------------------
# Weight exchange with the TypeScript model (logical names from Arch2vecModel.named()).
# TS Linear weights are stored [in, out]; torch's are [out, in].


def ts_names(model):
    """TS logical name → (torch tensor, transpose?) for every parameter and BN buffer."""
    enc, dec = model.encoder, model.decoder
    out = {}

    def lin(prefix, m):
        out[prefix + '.w'] = (m.weight, True)
        out[prefix + '.b'] = (m.bias, False)

    def bn(prefix, m):
        out[prefix + '.gamma'] = (m.weight, False)
        out[prefix + '.beta'] = (m.bias, False)
        out[prefix + '.running_mean'] = (m.running_mean, False)
        out[prefix + '.running_var'] = (m.running_var, False)

    for l in range(len(enc.mlps)):
        out['gin%d.eps' % l] = (enc.eps, l)  # int: an element of the shared eps vector
        lin('gin%d.mlp.0' % l, enc.mlps[l].lin0)
        bn('gin%d.mlp.bn' % l, enc.mlps[l].bn)
        lin('gin%d.mlp.1' % l, enc.mlps[l].lin1)
        bn('gin%d.bn' % l, enc.bns[l])
    lin('fc_mu', enc.fc_mu)
    lin('fc_logvar', enc.fc_logvar)
    lin('decoder.ops', dec.ops)
    return out


def get_ts(t, how, grad=False):
    src = t.grad if grad else t
    if src is None:
        return None
    src = src.detach()
    if how is True:
        return src.t().contiguous()
    if how is False:
        return src
    return src[how:how + 1]


def load_ts(model, weights):
    with torch.no_grad():
        for name, (t, how) in ts_names(model).items():
            v = torch.from_numpy(weights[name].astype(np.float32))
            if how is True:
                t.copy_(v.reshape(t.shape[1], t.shape[0]).t())
            elif how is False:
                t.copy_(v.reshape(t.shape))
            else:
                t[how] = v.reshape(())


def b64_f32(s, shape=None):
    a = np.frombuffer(base64.b64decode(s), dtype='<f4').copy()
    return a.reshape(shape) if shape is not None else a


def flat(t):
    return t.detach().reshape(-1).double().tolist()


def outputs(ops_recon, adj_recon, mu, logvar, parts, ops=None, adj=None):
    extra = {} if ops is None else {'saturated': saturated(ops_recon, adj_recon, ops, adj)}
    return {**extra,
        'mu': flat(mu), 'logSigma': flat(logvar), 'opsRecon': flat(ops_recon), 'adjRecon': flat(adj_recon),
        'loss': {'total': parts[0].item(), 'ops': parts[1].item(), 'adj': parts[2].item(), 'kl': parts[3].item()},
    }


def golden(inp_path, out_path):
    """What is computed (all float32, cpu):
    evalInit   eval mode at the exported weights (BN running stats, no dropout, z = mu): outputs + loss
    train      train mode with batch-statistic BN, dropout disabled, noise = 0 (so z = mu): outputs,
               loss parts (reference BCELoss, and `lossLogits` = the logit-form BCE), the number of
               saturated entries, the gradient of every parameter of both losses (`gradsReference`,
               `grads`, before clipping), the global grad norm and clip scale of the logit-form one
    after      the parameters after clip_grad_norm_(5) + one Adam step on the logit-form gradients, and
               the BN running stats after that train-mode forward
    evalAfter  eval mode with the updated parameters and running stats: outputs + loss
    evalStep   from the exported weights with a fresh optimiser: one full eval-mode step (the
               reference trains in eval mode after epoch 1): loss, grad norm, parameters after
    """
    torch.set_num_threads(1)
    spec = json.load(open(inp_path))
    n, d, b = spec['nodes'], spec['opColumns'], spec['batch']
    ops = torch.from_numpy(b64_f32(spec['ops'], (b, n, d)))
    adj = torch.from_numpy(b64_f32(spec['adj'], (b, n, n)))
    weights = {k: b64_f32(v) for k, v in spec['weights'].items()}

    model = Arch2vec(d, dropout=0.0)  # dropout disabled for the deterministic train-mode check
    load_ts(model, weights)
    names = ts_names(model)
    result = {'torch': torch.__version__}

    model.eval()
    with torch.no_grad():
        o = model(ops, adj)
        result['evalInit'] = outputs(*o, vae_loss(*o[:2], ops, adj, *o[2:]), ops, adj)

    model.train()
    opt = make_optimizer(model, lr=spec['lr'], eps=spec['adamEps'])
    # One train-mode forward (batch-statistic BN, running stats updated once), noise 0 so z = mu.
    mu, logvar = model.encoder(ops, adj)
    z = mu + torch.zeros_like(mu) * torch.exp(logvar)
    ops_logits = model.decoder.ops(z)
    adj_logits = torch.bmm(z, z.transpose(1, 2))
    ops_recon, adj_recon = torch.sigmoid(ops_logits), torch.sigmoid(adj_logits)
    parts = vae_loss(ops_recon, adj_recon, ops, adj, mu, logvar)
    parts_logits = vae_loss_logits(ops_logits, adj_logits, ops, adj, mu, logvar)
    result['train'] = outputs(ops_recon, adj_recon, mu, logvar, parts, ops, adj)
    result['train']['lossLogits'] = outputs(ops_recon, adj_recon, mu, logvar, parts_logits)['loss']
    # Gradients of the logit-form BCE (for comparison only) ...
    opt.zero_grad()
    parts_logits[0].backward(retain_graph=True)
    result['gradsLogitForm'] = {k: flat(get_ts(t, how, grad=True)) for k, (t, how) in names.items() if not k.endswith(('running_mean', 'running_var'))}
    # ... and of the reference loss (BCELoss on float32 probabilities), which the step below uses.
    opt.zero_grad()
    parts[0].backward()
    result['grads'] = {k: flat(get_ts(t, how, grad=True)) for k, (t, how) in names.items() if not k.endswith(('running_mean', 'running_var'))}
    total_norm = nn.utils.clip_grad_norm_(model.parameters(), spec['clip'])
    result['gradNorm'] = total_norm.item()
    result['clipScale'] = min(1.0, spec['clip'] / (total_norm.item() + 1e-6))
    opt.step()
    result['after'] = {k: flat(get_ts(t, how)) for k, (t, how) in names.items()}

    model.eval()
    with torch.no_grad():
        o = model(ops, adj)
        result['evalAfter'] = outputs(*o, vae_loss(*o[:2], ops, adj, *o[2:]), ops, adj)

    # One full step in eval mode from the initial weights with a fresh optimiser.
    model = Arch2vec(d)
    load_ts(model, weights)
    names = ts_names(model)
    model.eval()
    opt = make_optimizer(model, lr=spec['lr'], eps=spec['adamEps'])
    opt.zero_grad()
    o = model(ops, adj)
    parts = vae_loss(*o[:2], ops, adj, *o[2:])
    parts[0].backward()
    total_norm = nn.utils.clip_grad_norm_(model.parameters(), spec['clip'])
    opt.step()
    result['evalStep'] = {
        'loss': outputs(*o, parts)['loss'], 'gradNorm': total_norm.item(), 'saturated': saturated(o[0], o[1], ops, adj),
        'after': {k: flat(get_ts(t, how)) for k, (t, how) in names.items()},
    }
    json.dump(result, open(out_path, 'w'))


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'golden':
        golden(sys.argv[2], sys.argv[3])
    else:
        sys.exit('usage: arch2vec_torch.py golden IN.json OUT.json')
