// The server's JSON-RPC reader: frames written by vscode-jsonrpc's own writer, split anywhere, come out whole and in
// order, each within the data event that completed it; a bad frame is an error, never a silent skip.
import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { StreamMessageWriter, type Message } from "vscode-languageserver/node.js";
import { FramedMessageReader } from "./message-reader.js";

const MESSAGES: Message[] = [
  { jsonrpc: "2.0", id: 1, method: "textDocument/hover", params: { textDocument: { uri: "file:///straße/naïve.md" }, position: { line: 3, character: 7 } } } as Message,
  { jsonrpc: "2.0", method: "textDocument/didChange", params: { text: "日本語 ✓ @DOC/b#slug\r\n\r\nContent-Length: 12" } } as Message,
  { jsonrpc: "2.0", id: 2, result: null } as Message,
];

async function framesOf(messages: Message[]): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (chunk: Buffer) => chunks.push(chunk));
  const writer = new StreamMessageWriter(sink);
  for (const message of messages) await writer.write(message);
  writer.dispose();
  return Buffer.concat(chunks);
}

function readerOn(stream: PassThrough): { read: Message[]; errors: Error[]; reader: FramedMessageReader } {
  const read: Message[] = [];
  const errors: Error[] = [];
  const reader = new FramedMessageReader(stream);
  reader.onError((error) => errors.push(error instanceof Error ? error : new Error(String(error))));
  reader.listen((message) => read.push(message));
  return { read, errors, reader };
}

describe("FramedMessageReader", () => {
  test("reads vscode-jsonrpc's frames unchanged and in order, whether they arrive byte by byte or all in one chunk", async () => {
    const frames = await framesOf(MESSAGES);
    for (const size of [1, 7, frames.length]) {
      const stream = new PassThrough();
      const { read, errors } = readerOn(stream);
      for (let at = 0; at < frames.length; at += size) stream.emit("data", frames.subarray(at, at + size));
      expect(read).toEqual(MESSAGES);
      expect(errors).toEqual([]);
    }
  });

  test("a 4 MB message arriving in 64 KiB chunks is read whole, with the message after it", async () => {
    const big = { jsonrpc: "2.0", method: "textDocument/didOpen", params: { text: "naïve ✓ @DOC/b#slug\n".repeat(200_000) } } as Message;
    const frames = await framesOf([big, ...MESSAGES.slice(2)]);
    const stream = new PassThrough();
    const { read, errors } = readerOn(stream);
    for (let at = 0; at < frames.length; at += 65_536) stream.emit("data", frames.subarray(at, at + 65_536));
    expect(errors).toEqual([]);
    expect(read).toEqual([big, ...MESSAGES.slice(2)]);
  });

  test("hands a message over within the data event that completes it, without waiting for the event loop", async () => {
    const frames = await framesOf(MESSAGES.slice(0, 1));
    const stream = new PassThrough();
    const { read } = readerOn(stream);
    stream.emit("data", frames.subarray(0, frames.length - 1));
    expect(read).toEqual([]);
    stream.emit("data", frames.subarray(frames.length - 1));
    expect(read).toEqual(MESSAGES.slice(0, 1));
  });

  test("a body that is not JSON is an error, and the message after it is still read", async () => {
    const bad = Buffer.from("Content-Length: 5\r\n\r\n{nope", "utf8");
    const stream = new PassThrough();
    const { read, errors } = readerOn(stream);
    stream.emit("data", Buffer.concat([bad, await framesOf(MESSAGES.slice(2))]));
    expect(errors).toHaveLength(1);
    expect(read).toEqual(MESSAGES.slice(2));
  });

  test("a header without a numeric Content-Length, or with another charset, is an error and nothing after it is read", async () => {
    const after = await framesOf(MESSAGES.slice(2));
    for (const header of ["Content-Type: application/vscode-jsonrpc\r\n\r\n", "Content-Length: twelve\r\n\r\n", "Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n"]) {
      const stream = new PassThrough();
      const { read, errors } = readerOn(stream);
      stream.emit("data", Buffer.concat([Buffer.from(header, "latin1"), after]));
      stream.emit("data", after);
      expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/Content-Length|charset/)]);
      expect(read).toEqual([]);
    }
  });

  test("its stream closing closes the reader", async () => {
    const stream = new PassThrough();
    const { reader } = readerOn(stream);
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    stream.destroy();
    await closed;
  });
});
