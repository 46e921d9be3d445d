// NOTE: nothing to execute; the receipt records the message.
import type { Executor } from "../context.js";

export const note: Executor = (step, _ctx, receipt) => {
  receipt.output("message", step.refs.message ?? "");
  receipt.produce(step.refs.message ?? "");
};
