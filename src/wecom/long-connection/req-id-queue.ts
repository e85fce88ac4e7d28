/**
 * One frame per req_id in flight at a time: acks carry only the req_id, and the frames of a
 * reply (a stream's updates) all reuse the callback's, so the next waits for the previous ack.
 * Different req_ids go out side by side.
 */
export interface ReqIdQueue {
  /** Runs `send` after every earlier one on `reqId` has settled (resolved or rejected). */
  run<T>(reqId: string, send: () => Promise<T>): Promise<T>;
}

export function createReqIdQueue(): ReqIdQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(reqId, send) {
      const previous = tails.get(reqId);
      const result = previous ? previous.then(send) : send();
      const tail = result.catch(() => undefined);
      tails.set(reqId, tail);
      void tail.then(() => {
        if (tails.get(reqId) === tail) tails.delete(reqId);
      });
      return result;
    },
  };
}
