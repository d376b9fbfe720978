import { filter, firstValueFrom, timeout, type Observable } from 'rxjs';

/** The first value of `source` that passes `test`; fails after `ms` with the last value seen. */
export async function until<T>(source: Observable<T>, test: (value: T) => boolean, ms = 20_000): Promise<T> {
  let last: T | undefined;
  try {
    return await firstValueFrom(source.pipe(
      filter((value) => {
        last = value;
        return test(value);
      }),
      timeout(ms),
    ));
  } catch (error) {
    throw new Error(`no value passed within ${ms} ms; last: ${JSON.stringify(last)}`, { cause: error });
  }
}
