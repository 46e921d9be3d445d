const t0 = performance.now();
const Database = require("better-sqlite3");
const t1 = performance.now();
const opts = process.argv[2] === "native" ? { nativeBinding: require.resolve("better-sqlite3/build/Release/better_sqlite3.node") } : {};
const db = new Database(":memory:", opts);
const t2 = performance.now();
console.log(process.argv[2] || "bindings", "require", (t1 - t0).toFixed(1), "open", (t2 - t1).toFixed(1));
