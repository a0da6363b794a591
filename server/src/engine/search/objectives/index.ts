export * from './types';
export * from './benchmark';
export * from './command';
export * from './file';
export * from './resultsLog';
