// Writes each JSON-RPC message to stdout as one buffer (header and body together). vscode-jsonrpc's stream
// writer writes the header, waits for its callback, then writes the body: two system calls per message, and a
// client often wakes up for the header alone and again for the body. One write per message is one wake-up
// (docs/editors.md, "Performance").
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-languageserver/node.js";

export class FramedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on("error", (error: Error) => this.fireError(error));
    stream.on("close", () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = JSON.stringify(message);
    const length = Buffer.byteLength(body, "utf8");
    const header = `Content-Length: ${length}\r\n\r\n`;
    const frame = Buffer.allocUnsafe(header.length + length);
    frame.write(header, 0, "latin1");
    frame.write(body, header.length, "utf8");
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error) => {
        if (!error) return resolve();
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}
