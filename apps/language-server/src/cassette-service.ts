// One cassette connection for the server, opened only once the ledger exists (reading never creates
// it); posting a plan creates it. A failure to open is a warning, and the next call tries again.
import type { Logger } from "@catalytic/core";
import { existsSync } from "node:fs";
import { Cassette, cassettePath } from "@catalytic/cassette";

export class CassetteService {
  private cassette: Cassette | undefined;
  private warned = false;

  constructor(
    private readonly root: string,
    private readonly logger: Logger,
  ) {}

  /** The open cassette, or undefined when the workspace has none yet (or it cannot be opened). */
  get(): Cassette | undefined {
    if (this.cassette) return this.cassette;
    if (!existsSync(cassettePath(this.root))) return undefined;
    try {
      this.cassette = Cassette.openWorkspace(this.root, { logger: this.logger });
      this.warned = false;
    } catch (error) {
      if (!this.warned) this.logger.warn(`cannot open the cassette: ${(error as Error).message}`);
      this.warned = true;
    }
    return this.cassette;
  }

  /** The cassette, created when missing (posting a plan). Throws the typed error when it cannot open. */
  require(): Cassette {
    this.cassette ??= Cassette.openWorkspace(this.root, { logger: this.logger });
    return this.cassette;
  }

  close(): void {
    try {
      this.cassette?.close();
    } catch (error) {
      this.logger.warn(`closing the cassette: ${(error as Error).message}`);
    }
    this.cassette = undefined;
  }
}
