/**
 * Everything the client, the language server, the CLI, the engine process and the webviews agree on,
 * typed once. Import from here (or the one file you need); never restate a method name, a settings
 * key or a list of names elsewhere. The only outside import of this folder is vscode-jsonrpc.
 *   values.ts    the closed lists (spaces, backends, strategies, objectives, datasets) as const
 *   cells.ts     CellSpec: a cell as the processes exchange it
 *   backend.ts   the backend report
 *   modelDir.ts  the on-disk model directory format
 *   settings.ts  language id, settings section, validation and prediction settings
 *   errors.ts    the engine's error codes and data
 *   engine.ts    the engine process's methods, params, results, request objects
 *   lsp.ts       the language server's extra messages
 */
export * from './values';
export * from './cells';
export * from './backend';
export * from './modelDir';
export * from './settings';
export * from './errors';
export * from './engine';
export * from './lsp';
