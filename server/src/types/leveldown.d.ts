// The part of leveldown (6.x, the LevelDB binding PouchDB itself uses) that Mutual calls; it ships no types.
declare module 'leveldown' {
  type Callback = (error?: Error | null) => void;

  export interface LevelDownIterator {
    next(callback: (error: Error | null | undefined, key?: string, value?: string) => void): void;
    end(callback: Callback): void;
  }

  export interface LevelDown {
    open(callback: Callback): void;
    close(callback: Callback): void;
    batch(operations: ({ type: 'put'; key: string; value: string } | { type: 'del'; key: string })[], callback: Callback): void;
    iterator(options: { keyAsBuffer: false; valueAsBuffer: false }): LevelDownIterator;
  }

  export default function leveldown(location: string): LevelDown;
}
