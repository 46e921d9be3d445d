// The token-counting process (dist/token-counter.cjs): the hover's o200k_base counts are made here, so the
// tokenizer's rank tables (~35-45 MB once loaded) never sit in the language server's heap. The server forks it
// on the first hover that needs a count and ends it when idle (token-counts.ts).
import { loadTokenCounter } from "@catalytic/core";

export interface CountRequest {
  id: number;
  text: string;
}

export interface CountReply {
  id: number;
  count?: number;
  error?: string;
}

const send = (reply: CountReply): void => void process.send?.(reply);
process.on("message", (request: CountRequest) => {
  loadTokenCounter().then(
    (counter) => send({ id: request.id, count: counter.count(request.text) }),
    (error: Error) => send({ id: request.id, error: error.message }),
  );
});
// The server is gone (or let it go): nothing more to count.
process.on("disconnect", () => process.exit(0));
