import { loadScript } from "./scripts.js";

/** Gives a lease up if it still holds this holder's value: the long connection's, a push part's sending claim. */
export const releaseLease = loadScript("release-lease", {
  keys: (k: { lease: string }) => [k.lease],
  args: (a: { value: string }) => [a.value],
});
