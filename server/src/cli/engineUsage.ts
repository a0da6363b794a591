import { EVALUATOR_CONTRACT } from '../engine/search/objectives/evaluatorContract';

/** Names and help of the engine commands; kept apart so `validate` never loads TensorFlow.js. */
export const ENGINE_COMMANDS = ['pretrain', 'eval', 'embed', 'neighbours', 'enumerate', 'backends', 'install-backend', 'search'];

export const ENGINE_USAGE = `  arch2vec pretrain --space nasbench101|nasbench201|darts [--epochs N] [--batch-size N] [--seed N]
                   [--backend B] [--out DIR] [--resume] [--reference-eval-mode]
                   [--validity-samples N] [--max-steps N] [--darts-pool N] [--threads N] [--json]
      Pretrain arch2vec on the whole space (defaults: the reference's schedule, NB101 8 epochs seed 1,
      NB201 and DARTS 10 epochs seed 3; default out: $ARCH2VEC_HOME/models/SPACE/<time>-seed<N>).
      Ctrl-C stops at the next step and saves a checkpoint; --resume continues it.
  arch2vec eval [--space S | --model DIR] [--samples N] [--json]
      Held-out reconstruction accuracy, validity and uniqueness of a model (--space: the last trained
      or the shipped model of that space).
  arch2vec embed FILE [--model DIR] [--space S] [--json]
      The 16-d embedding of each cell of a .cells file.
  arch2vec neighbours FILE --cell NAME [-k 10] [--model DIR] [--space S] [--json]
                     [--metric accuracy] [--min-measured 10]
      The k nearest architectures of the space: distance, arch / spec, benchmark accuracies (NB201),
      parameters and FLOPs of each cell's CIFAR-10 network, printed as a .cells file. Where FILE has at
      least --min-measured measured cells (key --metric) of the space, neighbours without a benchmark
      value show the value predicted from them (mean ± std), or the file's own measurement.
  arch2vec enumerate --space nasbench101 --count
      Enumerates the space (NB101: cached under $ARCH2VEC_HOME/cache) and prints its size.
  arch2vec search --space nasbench201 --objective benchmark --dataset cifar10|cifar100|imagenet16-120
                 --strategy bo|rl|re|rs [--budget SECONDS] [--seeds 1..N | --seed N] [--max-evals N]
                 [--json] [--out FILE] [--table FILE] [--model DIR] [--ei-variant standard|reference]
  arch2vec search --space nasbench101|nasbench201|darts --objective benchmark --table FILE [--max-evals N]
  arch2vec search [--space S] --objective command --command 'python train.py {cell}' --budget S|--max-evals N
                 [--scale percent|fraction] [--metric-regex RE] [--parallel N] [--timeout S]
                 [--log FILE] [--fresh] [--retry-failed] [--strategy ...] [--seed N] [--json]
  arch2vec search [--space S] --objective file FILE [-k N] [--min-measured 10] [--strategy ...] [--json]
      Search a space's pool (NB101: its 423,624 cells; NB201: its 15,625; DARTS: a seeded sample of
      --darts-pool N unique genotypes, default 600,000, --darts-seed S default 3; a user table: its
      rows). bo, rl: arch2vec latent space of the space's last trained or shipped model (the pool's
      embeddings are computed once and cached in the model directory); re, rs: baselines on the
      discrete encoding with the space's own mutation. --table: your measurements (JSONL / CSV, see
      docs/tables.md). DARTS command searches default to the paper's 100 evaluations; DARTS bo / rl
      without --darts-pool search the model's own training sample (its embeddings are ready).
  Any search: [--max-params N] [--max-flops N] (e.g. 800k, 1.5M): propose only cells whose network
      has at most that many parameters / FLOPs (multiply-adds; the --dataset network, else CIFAR-10;
      NAS-Bench-201 only for now).
      Prints mean ± std over seeds of the validation and test accuracy of the
      best-by-validation cell and the found cells as .cells text; --json adds per-seed traces.
      benchmark: reward = 12-epoch validation accuracy, cost = simulated training seconds; default
      budgets 12,000 / 500,000 / 1,400,000 s. command: runs your evaluator per cell (contract below);
      failures are recorded, never fatal; every evaluation is logged (--log, default beside --out,
      else under $ARCH2VEC_HOME/searches keyed by the working directory, the command and the content
      of the files it names) and re-used by a restarted search, which says where each came from
      (--fresh: reuse nothing; --retry-failed: run logged failures again). file: cells with
      \`accuracy:\` are the observations; prints the k (default 10) most promising unmeasured cells,
      each with its predicted accuracy ± std once FILE has --min-measured (default 10) measured cells.
      Ctrl-C stops and prints the best so far.
${EVALUATOR_CONTRACT.split('\n').map((l) => `      ${l}`).join('\n')}
  arch2vec backends [--json]
      Which compute backends load here, on which device, and why the others do not.
  arch2vec install-backend tensorflow|tensorflow-gpu
      npm-installs @tensorflow/tfjs-node[-gpu] into $ARCH2VEC_HOME/backends (needs network).
  Engine commands take --backend auto|tensorflow-gpu|webgpu|tensorflow|wasm|cpu (or ARCH2VEC_BACKEND);
  $ARCH2VEC_HOME defaults to $XDG_CACHE_HOME/arch2vec or ~/.cache/arch2vec.
`;
