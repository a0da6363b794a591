/** Training data for the arch2vec engine: NB101 enumeration, NB201 table, DARTS sample, splits, PRNG. */
export { type Dataset, type Progress, type ProgressFn, fillBatch } from './dataset';
export { Rng } from './random';
export { trainHeldOutSplit, type Split } from './split';
export { enumerateNb101, NB101_UNIQUE_CELLS, type Nb101Columns } from './nasbench101Enumerate';
export { Nb101CacheError, NB101_CACHE_FILE, readNb101Cache, writeNb101Cache } from './nasbench101Cache';
export { Nb101Dataset, loadOrBuildNb101, type LoadNb101Options } from './nasbench101Data';
export { Nb201Dataset, loadNb201 } from './nasbench201Data';
export { DartsDataset, sampleDarts, DARTS_REFERENCE_POOL, type DartsSampleOptions } from './dartsSample';
