// Reads JSON-RPC messages from stdin and hands each to the connection as soon as its last byte arrives.
// vscode-jsonrpc's stream reader decodes every message behind a semaphore that first waits for setImmediate (its
// decoders may be asynchronous); this server's messages are UTF-8 JSON, decoded synchronously, so arrival order is
// kept without the extra turn of the event loop per request (docs/editors.md, "Performance").
import { AbstractMessageReader, Disposable, type DataCallback, type Message, type MessageReader } from "vscode-languageserver/node.js";

const HEADER_END = Buffer.from("\r\n\r\n", "latin1");

export class FramedMessageReader extends AbstractMessageReader implements MessageReader {
  /** Bytes received and not yet read, as they arrived: joined only once a header or a whole body is there. */
  private chunks: Buffer[] = [];
  private pending = 0;
  /** The body length announced by the header just read, or -1 while a header is awaited. */
  private bodyLength = -1;
  /** Set after a header this reader cannot frame: the stream can no longer be split into messages. */
  private broken = false;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    super();
    stream.on("error", (error: Error) => this.fireError(error));
    stream.on("close", () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer) => this.onData(chunk, callback);
    this.stream.on("data", onData);
    return Disposable.create(() => this.stream.off("data", onData));
  }

  private onData(chunk: Buffer, callback: DataCallback): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.pending += chunk.length;
    for (;;) {
      if (this.bodyLength < 0) {
        const buffer = this.joined();
        const end = buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const length = contentLengthOf(buffer.toString("latin1", 0, end));
        if (typeof length === "string") {
          this.broken = true;
          this.fireError(new Error(length));
          return;
        }
        this.bodyLength = length;
        this.consume(end + HEADER_END.length);
      }
      // A large body arrives in many chunks: they are joined once, when the last one is in.
      if (this.pending < this.bodyLength) return;
      const body = this.joined().toString("utf8", 0, this.bodyLength);
      this.consume(this.bodyLength);
      this.bodyLength = -1;
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch (error) {
        // The frame was whole: the next message starts after it, as with vscode-jsonrpc's reader.
        this.fireError(error);
        continue;
      }
      try {
        callback(message);
      } catch (error) {
        this.fireError(error);
      }
    }
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.pending)];
    return this.chunks[0] as Buffer;
  }

  private consume(bytes: number): void {
    this.chunks = [this.joined().subarray(bytes)];
    this.pending -= bytes;
  }
}

/** The Content-Length of a header block, or why it has none (a header must carry one; a charset must be UTF-8). */
function contentLengthOf(header: string): number | string {
  let length: number | undefined;
  for (const line of header.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) return `Message header must separate key and value using ':'\n${line}`;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-length") {
      if (!/^\d+$/.test(value)) return `Content-Length value must be a number. Got ${value}`;
      length = Number(value);
    } else if (key === "content-type") {
      const charset = /charset=([^;]+)/i.exec(value)?.[1]?.trim().replace(/^"|"$/g, "").toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return `Unsupported charset in Content-Type: ${charset}; send UTF-8`;
    }
  }
  return length ?? `Header must provide a Content-Length property.\n${header}`;
}
