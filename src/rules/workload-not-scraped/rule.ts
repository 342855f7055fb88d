import { inputText } from '../../core/input-text.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { podAnnotations, podMetadataPath } from '../../core/workload.ts';
import {
  containerPortNames,
  endpointMatches,
  hasScrapeAnnotation,
  istioInjection,
  monitorsWatching,
  scrapingIsVisible,
  servicePortNames,
} from '../../inventory/monitors.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { podLabels, podsOf, selectorMatches, servingVerdictIn } from '../../inventory/selectors.ts';
import { defineRule, ignoreNamespacesOption, NOT_APPLICABLE } from '../define-rule.ts';

const Options = ignoreNamespacesOption(
  "Namespaces not judged (the control plane's and the cloud provider's add-ons)",
);

/** `api (http/80, grpc/9090)`: a Service and its ports, for the message. */
function describeService(service: KubeObject): string {
  const raw = asRecord(service.spec)?.ports;
  const described = (Array.isArray(raw) ? raw : []).flatMap((item) => {
    const p = asRecord(item);
    if (!p) return [];
    const number = inputText(p.port) ?? '?';
    return [typeof p.name === 'string' && p.name !== '' ? `${p.name}/${number}` : number];
  });
  const name = service.metadata.name ?? '';
  return described.length > 0 ? `${name} (port ${described.join(', ')})` : name;
}

export default defineRule({
  id: 'workload-not-scraped',
  category: 'observability',
  severity: 'low',
  lesson: 'observability',
  title: 'Every service that serves traffic is scraped by Prometheus',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet', 'Pod'],
  options: Options,
  messages: {
    serviceNotScraped:
      '{kind} is served by Service {service} and nothing scrapes it: no ServiceMonitor selects the Service with one of its port names, no PodMonitor selects the pods, and neither carries prometheus.io/scrape: "true"',
    portNotScraped:
      '{kind} serves on port {port} and nothing scrapes it: no PodMonitor selects its pods, no Service in front of it is monitored, and its pod template has no prometheus.io/scrape: "true"',
  },
  check(entry, ctx) {
    const namespace = entry.ref.namespace ?? '';
    if (ctx.inventory.controllerOf(entry) || ctx.options.ignoreNamespaces.includes(namespace))
      return NOT_APPLICABLE;
    // A snapshot's pods without their ReplicaSet: one of them speaks for the workload.
    if (!speaksForWorkload(ctx.inventory, entry)) return NOT_APPLICABLE;
    if (!scrapingIsVisible(ctx.inventory)) return NOT_APPLICABLE;
    const verdict = servingVerdictIn(ctx.inventory, entry);
    if (!verdict.serving) return NOT_APPLICABLE;
    if (hasScrapeAnnotation(podAnnotations(entry.object))) return;
    if (verdict.services.some((s) => hasScrapeAnnotation(s.metadata.annotations))) return;
    // Admission webhooks add scrape annotations to the pods themselves: a live scan sees them
    // there, a file scan knows Istio's injector does it.
    if (podsOf(ctx.inventory, entry).some((p) => hasScrapeAnnotation(p.object.metadata.annotations))) return;
    const mesh = istioInjection(ctx.inventory, entry);
    if (mesh === 'injected') return;
    if (mesh === 'unknown') return NOT_APPLICABLE;
    const labels = podLabels(entry) ?? {};
    const ports = containerPortNames(entry.object);
    for (const monitor of monitorsWatching(ctx.inventory, namespace)) {
      if (monitor.kind === 'PodMonitor') {
        if (selectorMatches(monitor.selector, labels) && endpointMatches(monitor, ports)) return;
        continue;
      }
      for (const service of verdict.services) {
        const serviceLabels = (service.metadata.labels ?? {}) as Record<string, string>;
        if (
          selectorMatches(monitor.selector, serviceLabels) &&
          endpointMatches(monitor, servicePortNames(service))
        )
          return;
      }
    }
    const path = podMetadataPath(entry.object.kind) ?? [];
    const [service] = verdict.services;
    ctx.report(
      service
        ? {
            messageId: 'serviceNotScraped',
            data: { kind: entry.object.kind, service: verdict.services.map(describeService).join('; ') },
            path,
          }
        : { messageId: 'portNotScraped', data: { kind: entry.object.kind, port: verdict.port ?? '?' }, path },
    );
  },
});
