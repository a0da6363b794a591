/**
 * Tries a compute backend in a throw-away engine process before the editor commits to it: a backend
 * that cannot load (libtensorflow not installed, no GPU adapter) must not be saved as the setting,
 * where it would leave the engine unable to start for every later command. No `vscode` import: the
 * test runs it against the real engine bundle.
 */
import type { BackendReport, BackendRequest } from '../../../server/src/protocol';
import { EngineClient } from './engineClient';

export type BackendProbeResult = { ok: true; report: BackendReport } | { ok: false; reason: string };

export interface ProbeOptions {
  /** dist/engine.js */
  enginePath: string;
  env?: NodeJS.ProcessEnv;
  /** Loading libtensorflow or a GPU adapter can take a while on a busy machine. */
  timeoutMs?: number;
}

/** Starts an engine asking for `backend`, reads which backend it loaded, stops it. */
export async function probeBackend(backend: BackendRequest, options: ProbeOptions): Promise<BackendProbeResult> {
  const client = new EngineClient({ enginePath: options.enginePath, args: ['--backend', backend], env: options.env, liveness: false, maxCrashes: 0 });
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.timeoutMs ?? 120_000;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not load within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    const status = await Promise.race([client.status(), timeout]);
    const report = status.backend;
    if (backend !== 'auto' && report.backend !== backend) {
      const why = report.skipped.find((s) => s.backend === backend)?.reason;
      return { ok: false, reason: `the engine loaded ${report.backend} instead${why ? `: ${why}` : ''}` };
    }
    return { ok: true, report };
  } catch (e) {
    return { ok: false, reason: firstLine((e as Error)?.message ?? String(e)) };
  } finally {
    clearTimeout(timer);
    await client.dispose();
  }
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim() ?? s;
}
