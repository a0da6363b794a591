/**
 * The language server (dist/server.js): the connection, the open documents, their state, and every
 * feature registered on them. Features live in handlers/ (one module each), scheduling and caches in
 * documentState.ts, LSP conversions in conversions.ts.
 */
import { createConnection, ProposedFeatures, TextDocuments, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_SECTION } from '../protocol';
import { VERSION } from '../version';
import { SERVER_CAPABILITIES } from './capabilities';
import { DocumentState } from './documentState';
import { registerHandlers } from './handlers';
import { PredictionService } from './predictions';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const state = new DocumentState(documents);
/** Predicted accuracy of unmeasured cells (inlay hints, hover), computed off the validation path. */
const predictions = new PredictionService(connection);

connection.onInitialize((params): InitializeResult => {
  const pull = !!params.capabilities.workspace?.configuration;
  predictions.configure({ configuration: pull, inlayHintRefresh: params.capabilities.workspace?.inlayHint?.refreshSupport });
  state.configure(params.initializationOptions, pull
    ? (uri) => connection.workspace.getConfiguration({ scopeUri: uri, section: `${CONFIG_SECTION}.validation` })
    : undefined);
  return { capabilities: SERVER_CAPABILITIES, serverInfo: { name: 'arch2vec cellspec server', version: VERSION } };
});

registerHandlers(connection, documents, state, predictions);
documents.listen(connection);
connection.listen();
