/** Typed JSON-RPC message types of the engine protocol (names and shapes from ../../protocol). */
import { NotificationType, RequestType } from 'vscode-jsonrpc/node';
import {
  ENGINE_METHODS, ENGINE_PROGRESS, ENGINE_SEARCH_PROGRESS, type EngineCellAtParams, type EngineCellAtResult, type EngineEmbedParams, type EngineEmbedResult,
  type EngineErrorData, type EngineLoadModelParams, type EngineLoadModelResult, type EngineMapParams, type EngineMapResult, type EngineNeighboursParams,
  type EngineNeighboursResult, type EnginePretrainParams, type EnginePretrainResult, type EngineProgressParams, type EngineSearchParams,
  type EngineSearchProgressParams, type EngineSearchResult, type EngineStatusParams, type EngineStatusResult,
} from '../../protocol';

export const EngineRequests = {
  status: new RequestType<EngineStatusParams, EngineStatusResult, EngineErrorData>(ENGINE_METHODS.status),
  pretrain: new RequestType<EnginePretrainParams, EnginePretrainResult, EngineErrorData>(ENGINE_METHODS.pretrain),
  loadModel: new RequestType<EngineLoadModelParams, EngineLoadModelResult, EngineErrorData>(ENGINE_METHODS.loadModel),
  embed: new RequestType<EngineEmbedParams, EngineEmbedResult, EngineErrorData>(ENGINE_METHODS.embed),
  neighbours: new RequestType<EngineNeighboursParams, EngineNeighboursResult, EngineErrorData>(ENGINE_METHODS.neighbours),
  search: new RequestType<EngineSearchParams, EngineSearchResult, EngineErrorData>(ENGINE_METHODS.search),
  map: new RequestType<EngineMapParams, EngineMapResult, EngineErrorData>(ENGINE_METHODS.map),
  cellAt: new RequestType<EngineCellAtParams, EngineCellAtResult, EngineErrorData>(ENGINE_METHODS.cellAt),
} as const;

export const EngineProgressNotification = new NotificationType<EngineProgressParams>(ENGINE_PROGRESS);
export const EngineSearchProgressNotification = new NotificationType<EngineSearchProgressParams>(ENGINE_SEARCH_PROGRESS);
