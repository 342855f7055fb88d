/**
 * Host names a workload is configured to reach: in its containers' env values, args and command,
 * and in the ConfigMap keys its env pulls in (`valueFrom.configMapKeyRef`, `envFrom.configMapRef`)
 * when those ConfigMaps are in the inventory.
 */
import { type HostMention, hostsIn } from '../core/dns-names.ts';
import { asRecord } from '../core/records.ts';
import { containersAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

function configMapData(
  inventory: Inventory,
  namespace: string | undefined,
  name: unknown,
): Record<string, unknown> {
  if (typeof name !== 'string' || !namespace) return {};
  const cm = inventory.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
  return asRecord(cm?.object.data) ?? {};
}

/** A piece of configuration text and where it was found. */
export interface ConfiguredText {
  text: string;
  /** In words: `env ELASTIC_URL of container search-api`. */
  source: string;
}

/**
 * The configuration strings of a workload's containers, in spec order: env values, ConfigMap
 * values its env pulls in (when those ConfigMaps are in the inventory with their data), args and
 * command. Values over 20,000 characters are skipped.
 */
export function configuredTexts(inventory: Inventory, entry: InventoryEntry): ConfiguredText[] {
  const out: ConfiguredText[] = [];
  const add = (text: unknown, source: string): void => {
    if (typeof text === 'string' && text.length <= 20_000) out.push({ text, source });
  };
  const namespace = entry.ref.namespace;
  for (const { container } of containersAt(entry.object, { init: true })) {
    const name = String(container.name ?? '?');
    const env = Array.isArray(container.env) ? container.env : [];
    for (const raw of env) {
      const e = asRecord(raw);
      if (!e) continue;
      const envName = String(e.name ?? '?');
      add(e.value, `env ${envName} of container ${name}`);
      const ref = asRecord(asRecord(e.valueFrom)?.configMapKeyRef);
      if (ref && typeof ref.key === 'string') {
        const data = configMapData(inventory, namespace, ref.name);
        add(
          data[ref.key],
          `ConfigMap ${String(ref.name)} key ${ref.key} (env ${envName} of container ${name})`,
        );
      }
    }
    const envFrom = Array.isArray(container.envFrom) ? container.envFrom : [];
    for (const raw of envFrom) {
      const ref = asRecord(asRecord(raw)?.configMapRef);
      if (!ref) continue;
      for (const [key, value] of Object.entries(configMapData(inventory, namespace, ref.name)))
        add(value, `ConfigMap ${String(ref.name)} key ${key} (envFrom of container ${name})`);
    }
    for (const list of ['command', 'args'] as const) {
      const items = container[list];
      if (Array.isArray(items)) for (const item of items) add(item, `${list} of container ${name}`);
    }
  }
  return out;
}

/** Every host mentioned, once, with the first place it was found. */
export function configuredHosts(inventory: Inventory, entry: InventoryEntry): HostMention[] {
  const found = new Map<string, string>();
  for (const { text, source } of configuredTexts(inventory, entry))
    for (const host of hostsIn(text)) if (!found.has(host)) found.set(host, source);
  return [...found].map(([host, source]) => ({ host, source }));
}
