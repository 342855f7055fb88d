/**
 * Kubernetes resource quantities (`500m`, `2`, `1.5Gi`, `128974848`, `129e6`) as numbers:
 * CPU in cores, memory and storage in bytes. Parsing follows apimachinery's resource.Quantity
 * grammar: a signed decimal number, then a binary SI suffix (Ki…Ei), a decimal SI suffix
 * (n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2).
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/;

/** Parses a quantity; returns undefined for anything apimachinery would reject. */
export function parseQuantity(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  const match = QUANTITY.exec(input.trim());
  if (!match) return undefined;
  const [, num, binary, exponent, decimal] = match;
  const value = Number(num);
  if (binary !== undefined) return value * (BINARY[binary] as number);
  if (exponent !== undefined) return value * 10 ** Number(exponent.slice(1));
  return value * (DECIMAL[decimal ?? ''] as number);
}

/** Formats cores the way kubectl users read them: `250m` below one core, `1.5`, `15.89`, `4` above. */
export function formatCpu(cores: number): string {
  if (cores === 0) return '0';
  if (Math.abs(cores) < 1) return `${Math.round(cores * 1000)}m`;
  return String(Math.round(cores * 100) / 100);
}

/**
 * CPU as a quantity to write into a manifest: whole millicores, rounded up (never below the
 * value it stands for), `500m`, `2`. `formatCpu` is for reading, this is for writing.
 */
export function cpuQuantity(cores: number): string {
  const milli = Math.max(1, Math.ceil(cores * 1000 - 1e-9));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Memory as a quantity to write into a manifest: whole Mi rounded up, `300Mi`, `2Gi`. */
export function memoryQuantity(bytes: number): string {
  const mib = Math.max(1, Math.ceil(bytes / 2 ** 20 - 1e-9));
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** Formats bytes with the largest binary suffix that keeps one decimal: `512Mi`, `1.5Gi`. */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  for (const [suffix, size] of units) {
    if (Math.abs(bytes) >= size) {
      const value = Math.round((bytes / size) * 10) / 10;
      return `${value}${suffix}`;
    }
  }
  return `${Math.round(bytes)}`;
}
