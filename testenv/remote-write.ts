/**
 * Streams a fixture's history into a running Prometheus through its remote-write receiver
 * (`--web.enable-remote-write-receiver`) instead of promtool's OpenMetrics backfill: no text file
 * on disk (the OpenMetrics route needs about 245 bytes per sample, 80+ GB for 10,000 containers
 * over 14 days), and Prometheus builds its own blocks as the head fills.
 *
 * Samples arrive in time order, batched by series over `batchSeconds` of history: Prometheus
 * accepts a sample no older than an hour behind the newest it has seen, so batches stay well
 * under that. The protocol is remote-write 1.0: a protobuf `WriteRequest` (prometheus/prompb),
 * snappy block format. Both are written here by hand — three small messages, and snappy's
 * literal-only form (valid snappy that does not compress: on loopback, size does not matter) —
 * rather than taking protobuf and snappy libraries for a test loader.
 */
import { request } from 'node:http';
import type { HistorySink } from './fixtures/history.ts';

/** Parses `name{k="v",…} ` into sorted label pairs with `__name__`. */
export function parseSeries(prefix: string): Array<[string, string]> {
  const brace = prefix.indexOf('{');
  const name = prefix.slice(0, brace);
  const labels: Array<[string, string]> = [['__name__', name]];
  const body = prefix.slice(brace + 1, prefix.lastIndexOf('}'));
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const value = (m[2] as string).replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    labels.push([m[1] as string, value]);
  }
  labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return labels;
}

/** Appends protobuf varints and fields to a growing buffer. */
class ProtoWriter {
  buf = Buffer.alloc(1 << 20);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  bytes(field: number, data: Buffer): void {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    this.ensure(data.length);
    data.copy(this.buf, this.len);
    this.len += data.length;
  }

  /** Bytes already encoded as fields (a series' labels). */
  raw(data: Buffer): void {
    this.ensure(data.length);
    data.copy(this.buf, this.len);
    this.len += data.length;
  }

  double(field: number, value: number): void {
    this.varint((field << 3) | 1);
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.len);
    this.len += 8;
  }

  int(field: number, value: number): void {
    this.varint(field << 3);
    this.varint(value);
  }

  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/** A `Label` message list, encoded once per series. */
function encodeLabels(labels: Array<[string, string]>): Buffer {
  const w = new ProtoWriter();
  const inner = new ProtoWriter();
  for (const [name, value] of labels) {
    inner.bytes(1, Buffer.from(name));
    inner.bytes(2, Buffer.from(value));
    w.bytes(1, inner.take());
  }
  return w.take();
}

/** Snappy block format, one literal: varint length, then the data as a single literal. */
export function snappyLiteral(data: Buffer): Buffer {
  const header: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    header.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  header.push(n);
  const lenMinus1 = data.length - 1;
  let tag: number[];
  if (data.length === 0) tag = [];
  else if (lenMinus1 < 60) tag = [lenMinus1 << 2];
  else if (lenMinus1 < 1 << 8) tag = [60 << 2, lenMinus1];
  else if (lenMinus1 < 1 << 16) tag = [61 << 2, lenMinus1 & 0xff, lenMinus1 >> 8];
  else if (lenMinus1 < 1 << 24) tag = [62 << 2, lenMinus1 & 0xff, (lenMinus1 >> 8) & 0xff, lenMinus1 >> 16];
  else tag = [63 << 2, lenMinus1 & 0xff, (lenMinus1 >> 8) & 0xff, (lenMinus1 >> 16) & 0xff, lenMinus1 >>> 24];
  return Buffer.concat([Buffer.from(header), Buffer.from(tag), data]);
}

function post(url: URL, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300)
            reject(
              new Error(
                `remote write: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`,
              ),
            );
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface SeriesBuffer {
  labels: Buffer;
  values: number[];
  times: number[];
}

/** A history sink that writes to Prometheus' remote-write endpoint. */
export class RemoteWriteSink implements HistorySink {
  samples = 0;
  requests = 0;
  bytesSent = 0;
  private readonly url: URL;
  private readonly batchSeconds: number;
  private readonly series = new Map<string, SeriesBuffer>();
  private readonly dirty: SeriesBuffer[] = [];
  private batchStart: number | undefined;
  private t = 0;
  private pending = 0;

  constructor(prometheusUrl: string, options: { batchSeconds?: number } = {}) {
    this.url = new URL('/api/v1/write', prometheusUrl);
    this.batchSeconds = options.batchSeconds ?? 900;
  }

  async step(t: number): Promise<void> {
    if (this.batchStart === undefined) this.batchStart = t;
    if (t - this.batchStart >= this.batchSeconds) {
      await this.flush();
      this.batchStart = t;
    }
    this.t = t * 1000;
  }

  sample(prefix: string, value: string | number): void {
    let s = this.series.get(prefix);
    if (!s) {
      s = { labels: encodeLabels(parseSeries(prefix)), values: [], times: [] };
      this.series.set(prefix, s);
    }
    if (s.values.length === 0) this.dirty.push(s);
    s.values.push(typeof value === 'number' ? value : Number(value));
    s.times.push(this.t);
    this.pending++;
  }

  private async flush(): Promise<void> {
    if (this.pending === 0) return;
    const request = new ProtoWriter();
    const ts = new ProtoWriter();
    const sample = new ProtoWriter();
    for (const s of this.dirty) {
      // TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
      ts.raw(s.labels);
      for (let i = 0; i < s.values.length; i++) {
        sample.double(1, s.values[i] as number);
        sample.int(2, s.times[i] as number);
        ts.bytes(2, sample.take());
      }
      request.bytes(1, ts.take());
      this.samples += s.values.length;
      s.values.length = 0;
      s.times.length = 0;
    }
    this.dirty.length = 0;
    this.pending = 0;
    const body = snappyLiteral(request.take());
    this.bytesSent += body.length;
    this.requests++;
    await post(this.url, body);
  }

  async end(): Promise<void> {
    await this.flush();
  }
}
