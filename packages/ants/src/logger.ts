// The injected logger (packages never print).
export interface AntLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: AntLogger = { info() {}, warn() {}, error() {} };
