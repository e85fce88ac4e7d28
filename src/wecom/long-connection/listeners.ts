type Listener = (...args: never[]) => unknown;

/** Listeners by event name; a listener that throws or rejects is reported to `onError` and the others still run. */
export interface Listeners<E extends { [K in keyof E]: Listener }> {
  /** Returns a function that removes the listener. */
  on<K extends keyof E>(name: K, listener: E[K]): () => void;
  emit<K extends keyof E>(name: K, ...args: Parameters<E[K]>): void;
}

export function createListeners<E extends { [K in keyof E]: Listener }>(onError: (error: unknown, name: keyof E) => void): Listeners<E> {
  const sets = new Map<keyof E, Set<E[keyof E]>>();
  return {
    on(name, listener) {
      const set = sets.get(name) ?? new Set();
      sets.set(name, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(name, ...args) {
      for (const listener of sets.get(name) ?? []) {
        try {
          const result = (listener as unknown as (...a: unknown[]) => unknown)(...args);
          if (result instanceof Promise) result.catch((error: unknown) => onError(error, name));
        } catch (error) {
          onError(error, name);
        }
      }
    },
  };
}
