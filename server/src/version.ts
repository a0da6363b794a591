/**
 * The package version: the one constant every process reports (CLI --version, the engine's status,
 * the language server's serverInfo, the model directory's training record). scripts/build.mjs replaces
 * `__VERSION__` with package.json's version when bundling; run from source (tsx, tests) it is 'dev'.
 */
declare const __VERSION__: string | undefined;
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
