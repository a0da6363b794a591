/** Ambient declarations for the page bundles (esbuild loads `.css` as text; VS Code injects acquireVsCodeApi). */
declare module '*.css' {
  const text: string;
  export default text;
}

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S = unknown>(): VsCodeApi<S>;
