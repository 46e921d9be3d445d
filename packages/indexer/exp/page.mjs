import { rmSync } from "node:fs";
import { Index } from "../dist/index.js";
const root = process.argv[2];
rmSync(root + "/.catalytic", { recursive: true, force: true });
const t = performance.now();
const index = Index.open(root);
const r = index.build();
index.close();
console.log(process.env.EXP_PAGE ?? "4096", (performance.now() - t).toFixed(0), "write", r.timings.writeMs.toFixed(0), "total", r.timings.totalMs.toFixed(0));
