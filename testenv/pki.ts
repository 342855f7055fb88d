/**
 * Certificates and keys for the test control plane, made with the system's openssl: one CA, an
 * API server serving certificate for 127.0.0.1/localhost, an admin client certificate in
 * system:masters, a service-account key pair, and client certificates for any other user a
 * test needs (for RBAC tests).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  saPub: string;
  saKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function pkiPaths(dir: string): Pki {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    saPub: join(dir, 'sa.pub'),
    saKey: join(dir, 'sa.key'),
  };
}

/** Creates the PKI once; an existing one is reused so restarts keep their kubeconfigs valid. */
export function ensurePki(dir: string): Pki {
  const pki = pkiPaths(dir);
  if (existsSync(pki.saKey)) return pki;
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ].concat(['-subj', '/CN=hindsight-testenv-ca']),
    dir,
  );
  writeFileSync(
    join(dir, 'apiserver.ext'),
    [
      'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
      'extendedKeyUsage=serverAuth,clientAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '',
    ].join('\n'),
  );
  issueCertificate(dir, 'apiserver', '/CN=kube-apiserver', 'apiserver.ext');
  issueClientCertificate(dir, 'admin', 'admin', ['system:masters']);
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return pki;
}

function issueCertificate(dir: string, name: string, subject: string, extFile: string): void {
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '3650',
    ].concat(['-out', `${name}.crt`, '-extfile', extFile]),
    dir,
  );
}

/** A client certificate for user `name` in `groups`, signed by the platform CA. */
export function issueClientCertificate(
  dir: string,
  fileName: string,
  user: string,
  groups: string[] = [],
): { cert: string; key: string } {
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  const subject = `${groups.map((g) => `/O=${g}`).join('')}/CN=${user}`;
  issueCertificate(dir, fileName, subject, 'client.ext');
  return { cert: join(dir, `${fileName}.crt`), key: join(dir, `${fileName}.key`) };
}
