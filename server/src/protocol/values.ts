/**
 * Every closed list of names the processes exchange, declared once. Types and validators derive
 * from these tuples, so a new space, strategy, dataset, backend or objective is added in one place.
 * No imports: the webview bundles this file as is.
 */

/** Search spaces, in the order menus and messages list them. */
export const SPACE_IDS = ['nasbench101', 'nasbench201', 'darts'] as const;
export type SpaceId = (typeof SPACE_IDS)[number];

/** Compute backends, in the order `auto` tries them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** What a caller may ask for: a backend, or `auto` (the first that loads). */
export const BACKEND_REQUESTS = ['auto', ...BACKEND_NAMES] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** Search strategies: arch2vec-BO, arch2vec-RL, regularised evolution, random search. */
export const SEARCH_STRATEGIES = ['bo', 'rl', 're', 'rs'] as const;
export type SearchStrategyName = (typeof SEARCH_STRATEGIES)[number];
/** Strategies that search the model's embedding table (they need a model). */
export const LATENT_STRATEGIES = ['bo', 'rl'] as const satisfies readonly SearchStrategyName[];

/** What a search maximises: a benchmark table, the user's evaluator command, measured cells of a file. */
export const SEARCH_OBJECTIVES = ['benchmark', 'command', 'file'] as const;
export type SearchObjectiveName = (typeof SEARCH_OBJECTIVES)[number];

/** NAS-Bench-201's datasets (the benchmark objective's tables). */
export const SEARCH_DATASETS = ['cifar10', 'cifar100', 'imagenet16-120'] as const;
export type SearchDatasetName = (typeof SEARCH_DATASETS)[number];

/** The paper's per-dataset budgets in simulated seconds (docs/reference-notes.md §5.3, run_scripts/run_*_nasbench201_*.sh): the benchmark default. */
export const PAPER_BUDGETS: Record<SearchDatasetName, number> = { cifar10: 12_000, cifar100: 500_000, 'imagenet16-120': 1_400_000 };

/** arch2vec-BO's expected-improvement variants: incumbent-based, or the reference code's. */
export const EI_VARIANTS = ['standard', 'reference'] as const;
export type EiVariant = (typeof EI_VARIANTS)[number];

/** Whether `value` is one of `list` (narrows to the list's element type). */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

export function isSpaceId(s: unknown): s is SpaceId {
  return isOneOf(SPACE_IDS, s);
}

/** How many cells per seed a search result's `top` lists (the Search view's top-k per strategy). */
export const SEARCH_TOP_K = 5;
