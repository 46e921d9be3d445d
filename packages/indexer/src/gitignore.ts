// .gitignore rules (root and nested), evaluated git-style: last matching rule wins, `!` re-includes,
// a trailing `/` matches directories only, a `/` elsewhere anchors the pattern to the file's folder.
import { globToRegExp } from "./glob.js";

interface Rule {
  base: string;
  regex: RegExp;
  negate: boolean;
  directoryOnly: boolean;
}

export class IgnoreRules {
  private readonly rules: Rule[];

  constructor(rules: Rule[] = []) {
    this.rules = rules;
  }

  /** Rules plus those of a .gitignore in folder `base` ("" for the root). */
  with(base: string, text: string): IgnoreRules {
    const added: Rule[] = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.replace(/(?<!\\)\s+$/, "");
      if (line === "" || line.startsWith("#")) continue;
      const negate = line.startsWith("!");
      if (negate) line = line.slice(1);
      line = line.replace(/^\\([#!])/, "$1");
      const directoryOnly = line.endsWith("/");
      if (directoryOnly) line = line.slice(0, -1);
      const anchored = line.includes("/");
      if (line.startsWith("/")) line = line.slice(1);
      if (line === "") continue;
      added.push({ base, regex: globToRegExp(anchored ? line : `**/${line}`), negate, directoryOnly });
    }
    return added.length ? new IgnoreRules([...this.rules, ...added]) : this;
  }

  ignores(relativePath: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      let candidate = relativePath;
      if (rule.base !== "") {
        if (!relativePath.startsWith(`${rule.base}/`)) continue;
        candidate = relativePath.slice(rule.base.length + 1);
      }
      if (rule.regex.test(candidate)) ignored = !rule.negate;
    }
    return ignored;
  }
}
