/**
 * A small listener list for the safety state machines. A listener that throws must not leave the machine
 * half-updated or stop the other listeners: state changes first, then each listener runs in isolation, and
 * its error goes to `onError` (ignored by default).
 */

export interface Listeners<Event> {
  add(listener: (event: Event) => void): () => void;
  emit(event: Event): void;
}

export function createListeners<Event>(onError?: (error: unknown) => void): Listeners<Event> {
  const listeners = new Set<(event: Event) => void>();
  return {
    add(listener) {
      // A wrapper, so the same function added twice is called twice and removed once per unsubscribe.
      const entry = (event: Event) => listener(event);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onError?.(error);
        }
      }
    },
  };
}
