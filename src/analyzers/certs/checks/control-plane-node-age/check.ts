import type { Severity } from '../../../../core/severity.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { DAY_MS, describeDistance, isoDay } from '../../duration.ts';

/** How long certificates issued at boot live: kubeadm's and kops nodeup's one year. */
export const BOOT_CERTIFICATE_LIFETIME_MS = 365 * DAY_MS;

/** Control-plane Nodes whose boot-time certificates' estimated expiry is inside --warn. */
export const controlPlaneNodeAge = defineCertCheck({
  id: 'control-plane-node-age',
  category: 'certificates',
  severity: 'high',
  lesson: 'certificate-expiry',
  title: 'A control-plane node is old enough for its boot-time certificates to expire',
  messages: {
    aging:
      'control-plane node {name} was created {created} ({age} days ago): certificates issued when it booted with a one-year life (kops nodeup: kubelet-server, kube-apiserver etcd-client; kubeadm: kubelet serving, and every control-plane certificate unless renewed or upgraded) {verb} around {estimate} ({left}). Check on the node: openssl x509 -enddate -noout -in /srv/kubernetes/kubelet-server.crt (kops) or kubeadm certs check-expiration; renew: kops rolling-update cluster --instance-group <control-plane> --force --yes, or kubeadm certs renew all.',
  },
  run(ctx) {
    const { now, warnMs, criticalMs } = ctx.analysis.options;
    const nodes = ctx.analysis.discovery.controlPlaneNodes;
    for (const node of nodes) {
      const created = new Date(node.createdAt);
      if (Number.isNaN(created.getTime())) continue;
      const estimate = created.getTime() + BOOT_CERTIFICATE_LIFETIME_MS;
      const left = estimate - now.getTime();
      if (left > warnMs) continue;
      // An estimate, not a read certificate: one step below what a read certificate would get.
      const severity: Severity = left <= criticalMs ? 'high' : 'medium';
      ctx.report({
        subject: {
          ref: { apiVersion: 'v1', kind: 'Node', name: node.name },
          origin: node.origin,
          path: ['metadata', 'creationTimestamp'],
          annotations: node.annotations,
        },
        messageId: 'aging',
        data: {
          name: node.name,
          created: isoDay(created),
          age: Math.floor((now.getTime() - created.getTime()) / DAY_MS),
          verb: left <= 0 ? 'expired' : 'expire',
          estimate: isoDay(new Date(estimate)),
          left: describeDistance(left),
        },
        severity,
      });
    }
    return nodes.length;
  },
});
