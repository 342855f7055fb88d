import { UsageError } from '../core/errors.ts';

/** `--report FORMAT=FILE` values of any command, checked against the formats it renders. */
export function parseReportSpecs<F extends string>(
  values: readonly string[],
  formats: readonly F[],
): { format: F; file: string }[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const format = eq === -1 ? '' : value.slice(0, eq);
    const file = eq === -1 ? '' : value.slice(eq + 1);
    if (!(formats as readonly string[]).includes(format) || file === '')
      throw new UsageError(
        `--report ${value}: expected FORMAT=FILE with FORMAT one of ${formats.join(', ')}`,
      );
    return { format: format as F, file };
  });
}
