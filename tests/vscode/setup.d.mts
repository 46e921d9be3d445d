export const CODE_SERVER_VERSION: string;
export const CHROMIUM_PATH: string;
export class SetupError extends Error {}
export function ensureAptPackages(): void;
export function codeServerCacheDir(): string;
export function ensureCodeServer(): string;
export function resolvePlaywright(): string;
export function ensureVsCodeE2eEnvironment(): { codeServer: string; chromium: string; playwright: string; node: string };
