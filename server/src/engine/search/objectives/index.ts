export * from './types';
export * from './benchmark';
export * from './command';
export * from './file';
export * from './resultsLog';
export * from './evaluatorContract';
export * from './fingerprint';
export * from './processTree';
