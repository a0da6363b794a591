/**
 * Hands the page's script nonce to Lit before any element module loads (import this first): Lit
 * falls back to `<style nonce=window.litNonce>` where constructable stylesheets are unsupported.
 */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
if (nonce) (window as unknown as { litNonce?: string }).litNonce = nonce;
export {};
