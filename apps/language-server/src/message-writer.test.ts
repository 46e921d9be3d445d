// The server's JSON-RPC writer: one chunk per message, header and body together, lengths in bytes, read back
// by vscode-jsonrpc's own reader.
import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { StreamMessageReader, type Message } from "vscode-languageserver/node.js";
import { FramedMessageWriter } from "./message-writer.js";

describe("FramedMessageWriter", () => {
  test("writes each message as one chunk that vscode-jsonrpc reads back unchanged", async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const writer = new FramedMessageWriter(stream);
    const messages: Message[] = [
      { jsonrpc: "2.0", id: 1, result: { contents: { kind: "markdown", value: "**@DOC/straße** — naïve 日本語 ✓\n\n```\ncode\n```" } } } as Message,
      { jsonrpc: "2.0", id: 2, result: null } as Message,
    ];
    for (const message of messages) await writer.write(message);
    expect(chunks).toHaveLength(2);
    for (const [i, chunk] of chunks.entries()) {
      const text = chunk.toString("utf8");
      const body = JSON.stringify(messages[i]);
      expect(text).toBe(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }
    const read: Message[] = [];
    const source = new PassThrough();
    const back = new StreamMessageReader(source);
    back.listen((message) => read.push(message));
    source.write(Buffer.concat(chunks));
    await expect.poll(() => read.length).toBe(2);
    expect(read).toEqual(messages);
    back.dispose();
  });
});
