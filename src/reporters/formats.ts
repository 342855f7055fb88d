/** Names of the scan report formats and table groupings, apart from the reporters: flag parsing reads these without loading them. */
export const FORMATS = ['table', 'json', 'yaml', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** How findings are grouped in the table. */
export const GROUP_BY = ['namespace', 'object', 'rule'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
