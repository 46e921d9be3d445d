// The injected logger: packages never print, they log through this (apps decide where it goes).
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: Logger = { info() {}, warn() {}, error() {} };
