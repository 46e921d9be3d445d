// Public API of @catalytic/cassette.
export { Cassette, cassettePath } from "./cassette.js";
export type { CassetteOptions } from "./cassette.js";
export type { PostMessageInput, PostMessageResult, PostPlanInput, PostPlanResult, PlanStepInput } from "./posting.js";
export type { CompleteStepInput } from "./leasing.js";
export { MAX_BATCH } from "./batch.js";
export type { ReceiptIds } from "./batch.js";
export type { ChargedCompletion, ChargedNext, ChargedResult } from "./charged.js";
export type { ChangeBatch } from "./queries.js";
export type { VerifyIssue, VerifyResult } from "./verify.js";
export { MESSAGE_SOURCES } from "./records.js";
export type {
  ClaimedStep,
  JobRecord,
  JobStatus,
  MessageRecord,
  MessageSource,
  ReceiptRecord,
  RunSummary,
  StepRecord,
  StepStatus,
  StepTransition,
} from "./records.js";
export { SCHEMA_VERSION } from "./migrations/index.js";
export { REQUIRED_TRIGGERS } from "./schema.js";
export { receiptHashFor } from "./ids.js";
// postPlan requires planHash(run_id, request_id, step payloads): re-exported for plain-node callers (the benchmark).
export { planHash } from "@catalytic/core";
export { verifyReceiptProof } from "./checkpoint.js";
export type { CheckpointCheck, ProofVerification, ReceiptProof, SignedCheckpoint } from "./checkpoint.js";
export { CHECKPOINT_ORIGIN, parseVerifierKey } from "./note.js";
export type { NoteSigner, NoteVerifier } from "./note.js";
export { defaultCheckpointKeyPath, loadCheckpointKey, requireKeyOutsideState } from "./checkpoint-key.js";
