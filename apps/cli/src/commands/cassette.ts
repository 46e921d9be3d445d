// `catalytic cassette ...`: post, claim, complete, requeue, inspect and verify the ledger (.catalytic/cassette.db).
// Every input is read and checked before the ledger is opened, so bad input writes nothing.
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  Cassette,
  MESSAGE_SOURCES,
  cassettePath,
  defaultCheckpointKeyPath,
  loadCheckpointKey,
  parseVerifierKey,
  requireKeyOutsideState,
  type CheckpointCheck,
  type JobStatus,
  type MessageSource,
  type NoteVerifier,
  type ReceiptRecord,
  type VerifyResult,
} from "@catalytic/cassette";
import { CassetteError, InputError, OUTCOMES, escapeText, loadConfig, parseJson, type Outcome } from "@catalytic/core";
import { writeFileAtomic } from "@catalytic/indexer";
import { MAX_TTL_SECONDS, booleanOption, intOption, requiredOption, stringOption } from "../args.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { verbatim } from "../json-names.js";

const RUN_ID = { type: "string", description: "run id" } as const;

function readJsonFile(file: string, what: string): unknown {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(missing ? "CAT_FILE_NOT_FOUND" : "CAT_FILE_UNREADABLE", `cannot read ${what} ${file}: ${(error as Error).message}`, {
      hint: missing ? `check the path of the ${what}` : "check the file's permissions",
      details: { file },
    });
  }
  return parseJson(text, `${what} ${file}`);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string, code: "CAT_SCHEMA_INVALID" | "CAT_OUTCOME_INVALID"): T {
  if (!allowed.includes(value as T)) {
    throw new CassetteError(code, `--${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`, {
      hint: `pass --${name} ${allowed[0]}`,
    });
  }
  return value as T;
}

/** Opens an existing ledger; only `post` may create one. */
export function openExisting(ctx: CommandContext): Cassette {
  const file = cassettePath(ctx.root);
  if (!existsSync(file)) {
    throw new CassetteError("CAT_FILE_NOT_FOUND", `no cassette at ${file}`, {
      hint: "post a message or a plan first ('catalytic cassette post' or 'catalytic plan'), or pass --root",
    });
  }
  return Cassette.open(file);
}

export function withCassette<T>(cassette: Cassette, fn: (cassette: Cassette) => T): T {
  try {
    return fn(cassette);
  } finally {
    cassette.close();
  }
}

function describeStatus(status: JobStatus): string {
  const state = status.done ? "done" : status.blocked ? "blocked" : "open";
  const outcomes = OUTCOMES.filter((outcome) => status.outcomes[outcome] > 0).map((outcome) => `${outcome} ${status.outcomes[outcome]}`);
  return [
    `job ${status.jobId} (${escapeText(status.intent)}): ${state}`,
    `  steps ${status.stepCount}: ${status.committed} committed, ${status.leased} leased, ${status.pending} pending (${status.runnable} runnable)`,
    `  receipts ${status.receipts}${outcomes.length ? ` (${outcomes.join(", ")})` : ""}; workers: ${status.workersSeen.join(", ") || "none"}`,
    `  budget: bytes ${status.bytesUsed}/${status.maxBytes ?? "unlimited"}, symbols ${status.symbolsUsed}/${status.maxSymbols ?? "unlimited"}` +
      (status.expiredLeases ? `; ${status.expiredLeases} expired lease(s): run 'catalytic cassette requeue'` : ""),
  ].join("\n");
}

/** The receipt document is printed as written (its fields are the contract's, or whatever a client completed with). */
function receiptJson(receipt: ReceiptRecord): Record<string, unknown> {
  return { ...receipt, receipt: verbatim(receipt.receipt) };
}

function receiptLine(receipt: ReceiptRecord): string {
  return `${receipt.receiptId}  ${escapeText(receipt.stepId)}  ${receipt.outcome.padEnd(7)}  ${escapeText(receipt.workerId)}#${receipt.fencingToken}  ${receipt.receiptHash.slice(0, 16)}  ${receipt.createdAt}`;
}

const KEY_OPTION = { type: "string", description: "checkpoint key file (default: catalytic.json checkpoint_key, else your config dir)" } as const;
const PUBLIC_KEY_OPTION = { type: "string", description: "verifier key (as 'cassette checkpoint --public-key' prints it) instead of the key file" } as const;

/** The signing key's path: --key, else catalytic.json's checkpoint_key, else the user's config directory. */
function checkpointKeyPath(ctx: CommandContext, args: ParsedArgs): string {
  const configured = stringOption(args, "key") ?? loadConfig(ctx.root).checkpoint_key;
  if (configured === undefined) return defaultCheckpointKeyPath();
  const expanded = configured === "~" || configured.startsWith("~/") ? path.join(os.homedir(), configured.slice(1)) : configured;
  return requireKeyOutsideState(path.resolve(ctx.root, expanded), ctx.root);
}

/** Who checks a checkpoint: the --public-key given, else the public half of the key file (never created here). */
function checkpointVerifier(ctx: CommandContext, args: ParsedArgs): NoteVerifier {
  const vkey = stringOption(args, "public-key");
  return vkey === undefined ? loadCheckpointKey(checkpointKeyPath(ctx, args), false).signer : parseVerifierKey(vkey);
}

function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(missing ? "CAT_FILE_NOT_FOUND" : "CAT_FILE_UNREADABLE", `cannot read ${what} ${file}: ${(error as Error).message}`, {
      hint: missing ? `check the path of the ${what}` : "check the file's permissions",
      details: { file },
    });
  }
}

const verify: Command = {
  name: "cassette verify",
  summary: "Check the ledger: pragmas, schema SQL, integrity, foreign keys, leases, jobs, receipt chains [and a checkpoint]",
  options: {
    "run-id": { ...RUN_ID, description: "check only this run's steps and receipts" },
    checkpoint: { type: "string", description: "also prove the ledger extends this signed checkpoint (consistency proof)" },
    key: KEY_OPTION,
    "public-key": PUBLIC_KEY_OPTION,
  },
  details:
    "Prints PASS: ... or FAIL: N issue(s) and each issue. Exit 0 on pass, 1 on fail. With --checkpoint FILE, a ledger that no longer " +
    "extends the checkpoint fails and the first receipt that differs is named (docs/cassette.md#checkpoints).",
  run(ctx, args) {
    const runId = stringOption(args, "run-id");
    const checkpointFile = stringOption(args, "checkpoint");
    const checkpointText = checkpointFile === undefined ? undefined : readTextFile(checkpointFile, "checkpoint");
    const verifier = checkpointText === undefined ? undefined : checkpointVerifier(ctx, args);
    const result = withCassette(openExisting(ctx), (cassette): VerifyResult & { checkpoint?: CheckpointCheck } => {
      const plain = cassette.verify(runId);
      if (checkpointText === undefined || verifier === undefined) return plain;
      const checked = cassette.checkCheckpoint(checkpointText, verifier);
      const issues = checked.ok ? plain.issues : [...plain.issues, { check: "checkpoint", message: checked.first_difference!.message }];
      const checks = [
        ...plain.checks,
        `checkpoint: the ledger's ${checked.ledger.tree_size} receipt(s) ${checked.ok ? "extend" : "do not extend"} the checkpoint of ${checked.checkpoint.tree_size}`,
      ];
      return { ok: plain.ok && checked.ok, checks, issues, checkpoint: checked };
    });
    ctx.emitJson(result);
    if (result.ok) {
      ctx.print(`PASS: all invariants verified (${result.checks.join("; ")})`);
      return 0;
    }
    ctx.print(`FAIL: ${result.issues.length} issue(s)`);
    for (const issue of result.issues) ctx.print(`  [${issue.check}] ${escapeText(issue.message)}`);
    return 1;
  },
};

const post: Command = {
  name: "cassette post",
  summary: "Post a message (a JSON file) as one job with one step",
  jsonValueOption: "file",
  options: {
    file: { type: "string", description: "the message payload (JSON file), with human output" },
    "run-id": RUN_ID,
    source: { type: "string", description: `who posts: ${MESSAGE_SOURCES.join("|")}` },
    "idempotency-key": { type: "string", description: "repeat-safe key: the same key returns the same ids" },
  },
  details: "Example: catalytic cassette post --json message.json --run-id r1 --source USER --idempotency-key m1",
  run(ctx, args) {
    const file = stringOption(args, "file");
    if (file === undefined) {
      throw new CassetteError("CAT_SCHEMA_INVALID", "a message file is required", { hint: "pass --json FILE (or --file FILE)" });
    }
    const runId = requiredOption(args, "run-id");
    const source = oneOf<MessageSource>(requiredOption(args, "source"), MESSAGE_SOURCES, "source", "CAT_SCHEMA_INVALID");
    const idempotencyKey = stringOption(args, "idempotency-key");
    const payload = readJsonFile(file, "message");
    const cassette = Cassette.openWorkspace(ctx.root);
    const posted = withCassette(cassette, (c) => c.postMessage({ runId, source, payload, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }));
    ctx.emitJson({ ok: true, ...posted });
    ctx.print(`${posted.created ? "posted" : "already posted"}: message ${posted.messageId}, job ${posted.jobId}, step ${posted.stepId}`);
  },
};

const claim: Command = {
  name: "cassette claim",
  summary: "Claim the next runnable step of a run (deterministic order) and print its fencing token",
  options: {
    "run-id": RUN_ID,
    worker: { type: "string", description: "worker id that will hold the lease" },
    ttl: { type: "integer", min: 1, max: MAX_TTL_SECONDS, description: "lease length in seconds", defaultText: "300" },
    "job-id": { type: "string", description: "claim only from this job" },
  },
  run(ctx, args) {
    const runId = requiredOption(args, "run-id");
    const worker = requiredOption(args, "worker");
    const ttl = intOption(args, "ttl", 300);
    const jobId = stringOption(args, "job-id");
    const step = withCassette(openExisting(ctx), (cassette) =>
      jobId === undefined ? cassette.claimStep(runId, worker, ttl) : cassette.claimNextStep(runId, jobId, worker, ttl),
    );
    if (!step) {
      throw new CassetteError("CAT_NO_PENDING_STEP", `no runnable step in run ${runId}${jobId ? ` job ${jobId}` : ""}`, {
        hint: "every step is leased, committed or waiting on a dependency: see 'catalytic cassette status --run-id R'",
      });
    }
    ctx.emitJson({ ok: true, step: { ...step, payload: verbatim(step.payload) } });
    ctx.print(`claimed ${step.stepId} (job ${step.jobId}, op ${step.op}) token ${step.fencingToken}, lease until ${step.leaseExpiresAt}`);
  },
};

function parseToken(raw: string): number {
  if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `--token must be a positive integer, got ${JSON.stringify(raw)}`, {
      hint: "pass the fencing token printed by 'catalytic cassette claim'",
    });
  }
  return Number(raw);
}

const complete: Command = {
  name: "cassette complete",
  summary: "Commit a leased step with a receipt (JSON file) and an outcome",
  options: {
    "run-id": RUN_ID,
    step: { type: "string", description: "step id" },
    worker: { type: "string", description: "worker id holding the lease" },
    token: { type: "string", description: "fencing token from the claim" },
    receipt: { type: "string", description: "receipt payload (JSON file)" },
    outcome: { type: "string", description: OUTCOMES.join("|") },
  },
  run(ctx, args) {
    const runId = requiredOption(args, "run-id");
    const stepId = requiredOption(args, "step");
    const workerId = requiredOption(args, "worker");
    const fencingToken = parseToken(requiredOption(args, "token"));
    const outcome = oneOf<Outcome>(requiredOption(args, "outcome"), OUTCOMES, "outcome", "CAT_OUTCOME_INVALID");
    const receipt = readJsonFile(requiredOption(args, "receipt"), "receipt");
    const done = withCassette(openExisting(ctx), (cassette) => cassette.completeStep({ runId, stepId, workerId, fencingToken, receipt, outcome }));
    ctx.emitJson({ ok: true, stepId, ...done });
    ctx.print(`committed ${stepId}: receipt ${done.receiptId} (hash ${done.receiptHash})`);
  },
};

const requeue: Command = {
  name: "cassette requeue",
  summary: "Return steps whose lease expired to PENDING (fencing token + 1)",
  options: { "run-id": { ...RUN_ID, description: "only this run" } },
  run(ctx, args) {
    const runId = stringOption(args, "run-id");
    const stepIds = withCassette(openExisting(ctx), (cassette) => cassette.requeueExpired(runId));
    ctx.emitJson({ ok: true, stepIds });
    ctx.print(`requeued ${stepIds.length} step(s)`);
    for (const stepId of stepIds) ctx.print(`  ${stepId}`);
  },
};

function jobsOfRun(cassette: Cassette, runId: string, jobId: string | undefined): JobStatus[] {
  const jobs = cassette.listJobs(runId).filter((job) => jobId === undefined || job.jobId === jobId);
  if (jobId !== undefined && jobs.length === 0) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId} in run ${runId}`, { hint: "list jobs with 'catalytic cassette jobs --run-id R'" });
  }
  return jobs.map((job) => cassette.jobStatus(job.jobId));
}

const status: Command = {
  name: "cassette status",
  summary: "Progress of a run's jobs: pending/leased/committed, receipts, outcomes, workers, budget",
  options: { "run-id": RUN_ID, "job-id": { type: "string", description: "only this job" } },
  run(ctx, args) {
    const runId = requiredOption(args, "run-id");
    const jobId = stringOption(args, "job-id");
    const jobs = withCassette(openExisting(ctx), (cassette) => jobsOfRun(cassette, runId, jobId));
    ctx.emitJson({ ok: true, runId, jobs });
    if (jobs.length === 0) ctx.print(`run ${escapeText(runId)} has no jobs`);
    for (const job of jobs) ctx.print(describeStatus(job));
  },
};

function requireJob(cassette: Cassette, jobId: string): void {
  if (!cassette.getJob(jobId)) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId}`, { hint: "list jobs with 'catalytic cassette jobs'" });
  }
}

const receipts: Command = {
  name: "cassette receipts",
  summary: "A job's receipts in chain order",
  options: { "job-id": { type: "string", description: "job id" } },
  run(ctx, args) {
    const jobId = requiredOption(args, "job-id");
    const list = withCassette(openExisting(ctx), (cassette) => {
      requireJob(cassette, jobId);
      return cassette.listReceipts(jobId);
    });
    ctx.emitJson({ ok: true, jobId, receipts: list.map(receiptJson) });
    if (list.length === 0) ctx.print(`job ${jobId} has no receipts yet`);
    for (const receipt of list) ctx.print(receiptLine(receipt));
  },
};

const show: Command = {
  name: "cassette show",
  summary: "One receipt with its payload and hashes",
  options: { receipt: { type: "string", description: "receipt id" } },
  run(ctx, args) {
    const receiptId = requiredOption(args, "receipt");
    const receipt = withCassette(openExisting(ctx), (cassette) => cassette.getReceipt(receiptId));
    if (!receipt) {
      throw new CassetteError("CAT_RECEIPT_NOT_FOUND", `no receipt ${receiptId}`, { hint: "list a job's receipts with 'catalytic cassette receipts --job-id J'" });
    }
    ctx.emitJson({ ok: true, receipt: receiptJson(receipt) });
    ctx.print(JSON.stringify(receipt, null, 2));
  },
};

const jobs: Command = {
  name: "cassette jobs",
  summary: "List jobs (all, or one run's)",
  options: { "run-id": { ...RUN_ID, description: "only this run" } },
  run(ctx, args) {
    const runId = stringOption(args, "run-id");
    const list = withCassette(openExisting(ctx), (cassette) => cassette.listJobs(runId));
    ctx.emitJson({ ok: true, jobs: list });
    if (list.length === 0) ctx.print("no jobs");
    // Ids and intents come from plans (untrusted): escaped so they cannot move the cursor or forge a line.
    for (const job of list) ctx.print(`${job.jobId}  run ${escapeText(job.runId)}  ${job.stepCount} step(s)  ${escapeText(job.intent)}${job.requestId ? `  request ${escapeText(job.requestId)}` : ""}`);
  },
};

const runs: Command = {
  name: "cassette runs",
  summary: "List runs with message, job, step and receipt counts",
  run(ctx) {
    const list = withCassette(openExisting(ctx), (cassette) => cassette.listRuns());
    ctx.emitJson({ ok: true, runs: list });
    if (list.length === 0) ctx.print("no runs");
    for (const run of list) {
      ctx.print(`${escapeText(run.runId)}  ${run.jobs} job(s)  ${run.committed}/${run.steps} committed  ${run.leased} leased  ${run.receipts} receipt(s)  last ${run.lastMessageAt}`);
    }
  },
};

const checkpoint: Command = {
  name: "cassette checkpoint",
  summary: "Print (or write) a signed checkpoint of every receipt, to keep outside the workspace",
  options: {
    out: { type: "string", description: "write the checkpoint to FILE instead of printing it" },
    key: KEY_OPTION,
    "public-key": { type: "boolean", description: "print the verifier key of the signing key instead (creating the key if needed)" },
  },
  details:
    "A C2SP signed note: origin, tree size, base64 Merkle root, one line per receipt's leaf hash, a blank line, an Ed25519 signature line. " +
    "The key is created on first use (mode 0600) in your config directory, never in .catalytic/. Format: docs/cassette.md#checkpoints.",
  run(ctx, args) {
    const keyFile = checkpointKeyPath(ctx, args);
    const out = stringOption(args, "out");
    if (booleanOption(args, "public-key")) {
      const { signer, created } = loadCheckpointKey(keyFile, true);
      ctx.emitJson({ ok: true, public_key: signer.vkey, key_file: keyFile, key_created: created });
      if (created) ctx.note(`created checkpoint key ${keyFile}`);
      ctx.print(signer.vkey);
      return;
    }
    // The ledger is opened first: no key is created for a workspace without one.
    const { signer, created, signed } = withCassette(openExisting(ctx), (cassette) => {
      const loaded = loadCheckpointKey(keyFile, true);
      return { ...loaded, signed: cassette.checkpoint(loaded.signer) };
    });
    const outFile = out === undefined ? null : path.resolve(out);
    if (outFile !== null) writeFileAtomic(outFile, signed.text, "pass --out a file in a writable folder");
    ctx.emitJson({ ok: true, tree_size: signed.tree_size, root_hash: signed.root_hash, public_key: signer.vkey, key_file: keyFile, key_created: created, out_file: outFile, checkpoint: signed.text });
    if (created) ctx.note(`created checkpoint key ${keyFile} (public key ${signer.vkey})`);
    if (outFile !== null) ctx.print(`wrote checkpoint of ${signed.tree_size} receipt(s) to ${outFile} (root ${signed.root_hash})`);
    else if (!ctx.json) ctx.stdout.write(signed.text);
  },
};

const prove: Command = {
  name: "cassette prove",
  summary: "Print an inclusion proof (JSON) of one receipt that anyone can check with the public key alone",
  options: {
    receipt: { type: "string", description: "receipt id" },
    checkpoint: { type: "string", description: "prove against this checkpoint (the ledger must still extend it); default: a new signed checkpoint" },
    key: KEY_OPTION,
    "public-key": PUBLIC_KEY_OPTION,
  },
  details: "Check a proof with verifyReceiptProof(proof, publicKey) from @catalytic/cassette (docs/cassette.md#checkpoints).",
  run(ctx, args) {
    const receiptId = requiredOption(args, "receipt");
    const checkpointFile = stringOption(args, "checkpoint");
    const against =
      checkpointFile === undefined
        ? { signer: loadCheckpointKey(checkpointKeyPath(ctx, args), true).signer }
        : { text: readTextFile(checkpointFile, "checkpoint"), verifier: checkpointVerifier(ctx, args) };
    const proof = withCassette(openExisting(ctx), (cassette) => cassette.proveReceipt(receiptId, against));
    ctx.emitJson({ ok: true, proof });
    ctx.print(JSON.stringify(proof, null, 2));
  },
};

export const cassetteCommands: readonly Command[] = [verify, checkpoint, prove, post, claim, complete, requeue, status, receipts, show, jobs, runs];
