/**
 * An error the user caused and can fix: its message (Chinese) goes back to the chat as is.
 * Anything else is a fault of ours: logged with its code, and the user gets a short "稍后再试".
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A command's arguments could not be read; the dispatcher adds the command's examples. */
export class UsageError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}
