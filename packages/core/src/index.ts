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
export { DEFAULT_PROTECTED_PATHS, protectionKey, protectedRuleFor, assertWritable } from "./protected-paths.js";
export type { ProtectedRule } from "./protected-paths.js";
export { ID_PATTERN, assertId, escapeText } from "./text.js";
export {
  MAX_TEST_TIMEOUT_SECONDS,
  MAX_LEASE_TTL_SECONDS,
  ConfigSchema,
  SourceConfigSchema,
  TestCommandSchema,
  PlanBudgetDefaultsSchema,
  StepBudgetDefaultsSchema,
  checkConfigText,
  defaultConfig,
  loadConfig,
  formatJsonPath,
  sourceFolderProblems,
} from "./config.js";
export type { CatalyticConfig, SourceConfig, TestCommand, ConfigProblem } from "./config.js";
export { parseSlice, formatSlice, applySlice, checkSliceBounds, lineCount } from "./slice.js";
export type { Slice } from "./slice.js";
export { CatalyticMethods, CatalyticNotifications, OUTCOMES } from "./protocol.js";
export type {
  Outcome,
  LedgerReceipt,
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
  ReadCasParams,
  ReadCasResult,
  ReportParams,
  ReportResult,
  BundleParams,
  BundleResult,
} from "./protocol.js";
export { SHA256_HEX_PATTERN, STEP_ID_PATTERN, StepIdSchema } from "./schemas/common.js";
export { SYMBOL_ID_PATTERN, SymbolIdSchema, SymbolTargetTypeSchema, SymbolSchema } from "./schemas/symbol.js";
export type { SymbolId, SymbolTargetType, CatalyticSymbol } from "./schemas/symbol.js";
export { SectionSchema } from "./schemas/section.js";
export type { Section } from "./schemas/section.js";
export { StepBudgetsSchema, PlanBudgetsSchema } from "./schemas/budgets.js";
export type { StepBudgets, PlanBudgets } from "./schemas/budgets.js";
export { MessageOpSchema, MessageSchema } from "./schemas/message.js";
export type { MessageOp, Message } from "./schemas/message.js";
export { ExpansionSchema } from "./schemas/expansion.js";
export type { Expansion } from "./schemas/expansion.js";
export {
  PLAN_SCHEMA_VERSION,
  SymbolInputSchema,
  PlanInputsSchema,
  PlanBundleInputSchema,
  RequestOpSchema,
  PlanRequestSchema,
  PlanStepOpSchema,
  PlanStepRefsSchema,
  PlanStepConstraintsSchema,
  PlanStepExpectedOutputsSchema,
  PlanStepSchema,
  PlanOutputSchema,
} from "./schemas/plan.js";
export type {
  SymbolInput,
  PlanInputs,
  PlanBundleInput,
  RequestOp,
  PlanRequest,
  PlanRequestInput,
  PlanStepOp,
  PlanStepRefs,
  PlanStep,
  PlanOutput,
} from "./schemas/plan.js";
export {
  ReceiptStatusSchema,
  ReceiptExpansionSchema,
  ReceiptActionSchema,
  ReceiptErrorSchema,
  ReceiptTimingsSchema,
  ReceiptMetricsSchema,
  ReceiptTokenMetricsSchema,
  ReceiptLegacyMetricsSchema,
  ReceiptTokenizerSchema,
  ReceiptSchema,
  hasTokenMetrics,
} from "./schemas/receipt.js";
export type {
  ReceiptStatus,
  ReceiptExpansion,
  ReceiptAction,
  Receipt,
  ReceiptInput,
  ReceiptMetrics,
  ReceiptTokenMetrics,
  ReceiptLegacyMetrics,
} from "./schemas/receipt.js";
export { schemaProblems, parseWithSchema, parsePlanRequest, parsePlanRequestText, parseBundle, parseBundleText } from "./schemas/validate.js";
export {
  BUNDLE_ID_PATTERN,
  BundleReasonSchema,
  BundleItemSchema,
  BundleDroppedSchema,
  BundleSchema,
  bundleHash,
  bundleId,
} from "./schemas/bundle.js";
export type { BundleReason, BundleItem, BundleDropped, Bundle, BundleBody } from "./schemas/bundle.js";
export type { SchemaProblem } from "./schemas/validate.js";
export { PUBLISHED_SCHEMAS, generateJsonSchemas, jsonSchemaFileText } from "./schemas/registry.js";
export type { PublishedSchema } from "./schemas/registry.js";
export { SILENT_LOGGER } from "./logger.js";
export type { Logger } from "./logger.js";
export { isSqliteBusy, applyMigrations } from "./sqlite.js";
export type { Migration, MigrationTarget } from "./sqlite.js";
export { LineKind, scanBlocks, scanHeadings, splitLines } from "./markdown-blocks.js";
export type { BlockScan, Heading } from "./markdown-blocks.js";
export { scanReferences, parseReference, isSymbolId } from "./references.js";
export type { Position, Range, ReferenceMatch, ReferenceParts } from "./references.js";
export { slugify, uniqueSlugs } from "./slug.js";
export { TOKENIZER, loadTokenCounter, loadedTokenCounter } from "./tokens.js";
export type { TokenCounter, TokenizerInfo } from "./tokens.js";
