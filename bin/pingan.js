#!/usr/bin/env node
// The sources are TypeScript run through tsx, so the CLI needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
await main(process.argv);
