// Public API of @catalytic/core.
export {
  ERROR_CODES,
  CatalyticError,
  UsageError,
  SliceError,
  ReferenceSyntaxError,
  ConfigError,
  InputError,
  SymbolError,
  SectionError,
  WorkspaceError,
  CassetteError,
  BudgetError,
  PlannerError,
  ExecutionError,
  InvariantError,
  isCatalyticError,
  exitCodeFor,
  toCatalyticError,
  formatErrorLine,
} from "./errors.js";
export type { ErrorCode, ErrorKind, CatalyticErrorOptions } from "./errors.js";
export { canonicalJson, sha256Hex, hashCanonical, normalizeNewlines, contentHash, sectionId, parseJson } from "./canonical.js";
export type { JsonValue } from "./canonical.js";
export { stepId, planHash, indexHash } from "./ids.js";
export {
  CONFIG_FILE,
  SYMBOLS_FILE,
  STATE_DIR,
  findWorkspaceRoot,
  toPosixRelative,
  resolveInsideWorkspace,
} from "./workspace.js";
export {
  ConfigSchema,
  SourceConfigSchema,
  TestCommandSchema,
  PlanBudgetDefaultsSchema,
  StepBudgetDefaultsSchema,
  checkConfigText,
  defaultConfig,
  loadConfig,
  formatJsonPath,
} from "./config.js";
export type { CatalyticConfig, SourceConfig, TestCommand, ConfigProblem } from "./config.js";
export { parseSlice, formatSlice, applySlice, checkSliceBounds, lineCount } from "./slice.js";
export type { Slice } from "./slice.js";
export { CatalyticMethods, CatalyticNotifications } from "./protocol.js";
export type {
  ProtocolErrorData,
  IndexStatus,
  SymbolSummary,
  ListSymbolsParams,
  ResolveSymbolParams,
  ResolveSymbolResult,
  RunSummary,
  StepCounts,
  JobSummary,
  ListJobsParams,
  StepSummary,
  ListStepsParams,
  GetReceiptParams,
  ReceiptView,
  JobProgressParams,
  JobProgress,
  PlanRequestParams,
  PlanRequestResult,
  ExecuteJobParams,
  ExecuteJobResult,
  VerifyCassetteParams,
  VerifyCassetteResult,
  RestoreRunParams,
  RestoreRunResult,
  JobsChangedParams,
} from "./protocol.js";
