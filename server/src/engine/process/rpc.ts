/** Typed JSON-RPC message types of the engine protocol (names and shapes from ../../protocol). */
import { NotificationType, RequestType } from 'vscode-jsonrpc/node';
import {
  ENGINE_METHODS, ENGINE_PROGRESS, type EngineEmbedParams, type EngineEmbedResult, type EngineErrorData, type EngineLoadModelParams,
  type EngineLoadModelResult, type EngineNeighboursParams, type EngineNeighboursResult, type EnginePretrainParams, type EnginePretrainResult,
  type EngineProgressParams, type EngineStatusParams, type EngineStatusResult,
} from '../../protocol';

export const EngineRequests = {
  status: new RequestType<EngineStatusParams, EngineStatusResult, EngineErrorData>(ENGINE_METHODS.status),
  pretrain: new RequestType<EnginePretrainParams, EnginePretrainResult, EngineErrorData>(ENGINE_METHODS.pretrain),
  loadModel: new RequestType<EngineLoadModelParams, EngineLoadModelResult, EngineErrorData>(ENGINE_METHODS.loadModel),
  embed: new RequestType<EngineEmbedParams, EngineEmbedResult, EngineErrorData>(ENGINE_METHODS.embed),
  neighbours: new RequestType<EngineNeighboursParams, EngineNeighboursResult, EngineErrorData>(ENGINE_METHODS.neighbours),
} as const;

export const EngineProgressNotification = new NotificationType<EngineProgressParams>(ENGINE_PROGRESS);
