// Symbol definitions by id, with the indexes the model's queries need: ids per defining file (so a file
// change touches only its ids), a lazily sorted id list (prefix listing by binary search) and per-namespace
// counts (namespaces without scanning).
import { compareDefinitions } from "./definitions.js";
import type { SymbolDefinition } from "./model-types.js";

function namespaceOf(symbolId: string): string {
  return symbolId.slice(1, symbolId.indexOf("/"));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class DefinitionTable {
  private readonly byId = new Map<string, SymbolDefinition[]>();
  private readonly idsByFile = new Map<string, Set<string>>();
  private readonly namespaceCounts = new Map<string, number>();
  /** Always sorted: a new id is inserted at its place, a vanished one removed (no re-sort per edit). */
  private readonly sorted: string[] = [];

  get size(): number {
    return this.byId.size;
  }

  /** Definitions of an id, registry first (see compareDefinitions); undefined when none. */
  get(symbolId: string): readonly SymbolDefinition[] | undefined {
    return this.byId.get(symbolId);
  }

  add(symbolId: string, definition: SymbolDefinition): void {
    let ids = this.idsByFile.get(definition.file);
    if (!ids) this.idsByFile.set(definition.file, (ids = new Set()));
    ids.add(symbolId);
    const list = this.byId.get(symbolId);
    if (list) {
      list.push(definition);
      list.sort(compareDefinitions);
      return;
    }
    this.byId.set(symbolId, [definition]);
    this.sorted.splice(this.lowerBound(symbolId), 0, symbolId);
    const namespace = namespaceOf(symbolId);
    this.namespaceCounts.set(namespace, (this.namespaceCounts.get(namespace) ?? 0) + 1);
  }

  /** Removes the definitions a file carries from one origin. */
  drop(file: string, origin: SymbolDefinition["origin"]): void {
    const ids = this.idsByFile.get(file);
    if (!ids) return;
    for (const id of [...ids]) {
      const list = this.byId.get(id) ?? [];
      const kept = list.filter((d) => d.file !== file || d.origin !== origin);
      if (kept.length === list.length) continue;
      if (!kept.some((d) => d.file === file)) ids.delete(id);
      if (kept.length > 0) {
        this.byId.set(id, kept);
        continue;
      }
      this.byId.delete(id);
      this.sorted.splice(this.lowerBound(id), 1);
      const namespace = namespaceOf(id);
      const left = (this.namespaceCounts.get(namespace) ?? 1) - 1;
      if (left === 0) this.namespaceCounts.delete(namespace);
      else this.namespaceCounts.set(namespace, left);
    }
  }

  sortedIds(): readonly string[] {
    return this.sorted;
  }

  /** Ids starting with `prefix`, sorted. */
  idsWithPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (let i = this.lowerBound(prefix); i < this.sorted.length && (this.sorted[i] as string).startsWith(prefix); i++) out.push(this.sorted[i] as string);
    return out;
  }

  /** Index of the first id not less than `value` (binary search). */
  private lowerBound(value: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sorted[mid] as string) < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  namespaces(): IterableIterator<string> {
    return this.namespaceCounts.keys();
  }
}
