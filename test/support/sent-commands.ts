import type { Redis } from "ioredis";

/** A command as ioredis sends it, and the pipeline's collecting stream when it goes in one. */
export type SentCommand = (command: { name: string; args: unknown[] }, stream?: { isPipeline?: boolean }) => void;

/** Runs `run` with every command `client` sends shown to `onSend` first, and gives the client back as it was. */
export async function watchingCommands<T>(client: Redis, onSend: SentCommand, run: () => Promise<T>): Promise<T> {
  const sendCommand = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string; args: unknown[] }, stream?: { isPipeline?: boolean }, ...rest: unknown[]) => {
    onSend(command, stream);
    return (sendCommand as (...a: unknown[]) => unknown)(command, stream, ...rest);
  }) as typeof client.sendCommand;
  try {
    return await run();
  } finally {
    client.sendCommand = sendCommand;
  }
}
