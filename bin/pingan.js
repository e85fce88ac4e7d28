#!/usr/bin/env node
// Runs the compiled CLI (`npm install` builds it into dist/ through the prepare script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/entry.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("平安助手还没有编译：请在项目目录运行 npm install（或 npm run build），它会生成 dist/。");
  process.exit(1);
}
await import(entry.href);
