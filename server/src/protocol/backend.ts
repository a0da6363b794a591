/** The compute backend a process runs on, as engine/status and model directories report it. */
import type { BackendName } from './values';

export interface BackendReport {
  backend: BackendName;
  /** Adapter or device name where the backend tells us one. */
  device: string;
  /** Why each backend before the chosen one was not used. */
  skipped: { backend: BackendName; reason: string }[];
}
