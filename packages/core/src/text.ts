// Untrusted text on a terminal, and the grammar of ids that reach terminals and file names.
import { InputError } from "./errors.js";

/**
 * Run and request ids: 1 to 128 printable ASCII characters from a small set, starting with a letter or digit.
 * No spaces, quotes, control characters or path separators other than `/`, so an id printed raw cannot move
 * the cursor, forge a line, or name a file outside `.catalytic/runs/`.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=,/-]{0,127}$/;

/** Throws CAT_ID_INVALID unless `value` matches ID_PATTERN. `what` names the field ("run_id", "--run-id"). */
export function assertId(value: string, what: string): string {
  if (ID_PATTERN.test(value)) return value;
  throw new InputError("CAT_ID_INVALID", `${what} ${escapeText(JSON.stringify(value))} is not a valid id`, {
    hint: "ids are 1-128 characters of A-Z a-z 0-9 . _ : @ + = , / -, starting with a letter or digit",
    details: { field: what },
  });
}

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what a terminal shows.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Free text (intents, notes, messages) made safe for one line of terminal output: every unsafe character as \uXXXX. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
