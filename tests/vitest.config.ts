import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@catalytic/source"] },
  test: { include: ["**/*.test.ts"], exclude: ["**/node_modules/**"], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false },
});
