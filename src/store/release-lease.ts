import { loadScript, namedInOrder } from "./scripts.js";

/** Gives a lease up if it still holds this holder's value: the long connection's, a push part's sending claim. */
export const releaseLease = loadScript("release-lease", {
  keys: namedInOrder("lease"),
  args: namedInOrder("value"),
});
