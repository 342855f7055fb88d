import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialShape, isCredentialName, REDACTED, redactString } from '../core/credentials.ts';
import type { KubeObject } from '../core/resource.ts';
import { LAST_APPLIED, redactObject } from './redact-object.ts';

const PEM_KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0plantedkeyplantedkey\n-----END RSA PRIVATE KEY-----\n';
const PASSWORD = 'hunter2-planted-Pa55w0rd';

function object(value: Record<string, unknown>): KubeObject {
  return structuredClone(value) as unknown as KubeObject;
}

test('credential shapes are recognised; ordinary values are not', () => {
  const cases: [string, string | undefined][] = [
    [PEM_KEY, 'a private key'],
    ['-----BEGIN EC PRIVATE KEY-----', 'a private key'],
    [Buffer.from(PEM_KEY).toString('base64'), 'a base64-encoded PEM block'],
    // Twice base64-encoded: a Secret's data inside another encoding.
    [Buffer.from(Buffer.from(PEM_KEY).toString('base64')).toString('base64'), 'a base64-encoded PEM block'],
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlc2lnbmF0dXJl', 'a JSON Web Token'],
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key'],
    [`ghp_${'a'.repeat(36)}`, 'a GitHub token'],
    ['xoxb-1234567890-abcdefghij', 'a Slack token'],
    ['nginx:1.27', undefined],
    ['app.kubernetes.io/name=web', undefined],
    ['https://example.com/path?q=1', undefined],
    // A certificate is public: only private keys are secret.
    ['-----BEGIN CERTIFICATE-----\nMIIB', undefined],
  ];
  for (const [value, shape] of cases) assert.equal(credentialShape(value), shape, value.slice(0, 40));
});

test('names that say a value is a credential, and names that only mention one', () => {
  for (const name of [
    'DB_PASSWORD',
    'apiKey',
    'AWS_SECRET_ACCESS_KEY',
    'GITHUB_TOKEN',
    'client_secret',
    'MYSQL_ROOT_PWD',
  ])
    assert.ok(isCredentialName(name), name);
  for (const name of [
    'DB_PASSWORD_FILE',
    'SECRET_NAME',
    'TOKEN_URL',
    'LOG_LEVEL',
    'KAFKA_TOPIC',
    'REDIS_LIST_KEY',
  ])
    assert.ok(!isCredentialName(name), name);
});

test('a password inside a URL is replaced where it stands, so the URL stays usable', () => {
  assert.equal(
    redactString(`amqp://worker:${PASSWORD}@rabbitmq.queues:5672/vhost`),
    `amqp://worker:${REDACTED}@rabbitmq.queues:5672/vhost`,
  );
  assert.equal(redactString('amqp://rabbitmq.queues:5672'), undefined);
});

test('a Secret applied with kubectl keeps only the apiVersion and kind of its last-applied-configuration', () => {
  const applied = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'payments' },
    data: {
      password: Buffer.from(PASSWORD).toString('base64'),
      'tls.key': Buffer.from(PEM_KEY).toString('base64'),
    },
    stringData: { token: PASSWORD },
  });
  const secret = redactObject(
    object({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        annotations: { [LAST_APPLIED]: applied, team: 'payments' },
        managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:password': {} } } }],
      },
      data: { password: Buffer.from(PASSWORD).toString('base64') },
      type: 'Opaque',
    }),
  );
  const text = JSON.stringify(secret);
  assert.doesNotMatch(text, /hunter2|aHVudGVy|BEGIN|LS0tLS1/);
  assert.equal(secret.metadata.annotations?.[LAST_APPLIED], '{"apiVersion":"v1","kind":"Secret"}');
  assert.equal(secret.metadata.annotations?.team, 'payments');
  assert.equal((secret.metadata as Record<string, unknown>).managedFields, undefined);
  assert.equal((secret as unknown as Record<string, unknown>).data, undefined);
  assert.equal((secret as unknown as Record<string, unknown>).type, 'Opaque');
});

test('a ConfigMap holding a private key, annotations and container values that hold credentials are redacted', () => {
  const configMap = redactObject(
    object({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'tls',
        annotations: {
          [LAST_APPLIED]: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            data: { 'server.key': PEM_KEY },
          }),
          'example.com/bootstrap-key': PEM_KEY,
        },
      },
      data: { 'server.key': PEM_KEY },
    }),
  );
  assert.doesNotMatch(JSON.stringify(configMap), /BEGIN|plantedkey/);
  assert.match(
    configMap.metadata.annotations?.['example.com/bootstrap-key'] ?? '',
    /redacted by hindsight>: looked like a private key/,
  );

  const deployment = redactObject(
    object({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker' },
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'init', args: [`--password=${PASSWORD}`, '--verbose'] }],
            containers: [
              {
                name: 'app',
                image: 'worker:1.0',
                command: ['run', `--db-url=postgres://app:${PASSWORD}@db:5432/app`],
                env: [
                  { name: 'DB_PASSWORD', value: PASSWORD },
                  { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
                  { name: 'AMQP_URL', value: `amqp://worker:${PASSWORD}@rabbitmq:5672` },
                  { name: 'RABBITMQ_QUEUE', value: 'orders' },
                  { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
                ],
              },
            ],
          },
        },
      },
    }),
  );
  const text = JSON.stringify(deployment);
  assert.doesNotMatch(text, /hunter2/);
  // What analyses read stays: the URL's scheme and host, file paths, queue names, references.
  assert.match(text, /amqp:\/\/worker:<redacted by hindsight>@rabbitmq:5672/);
  assert.match(text, /\/run\/secrets\/db/);
  assert.match(text, /"orders"/);
  assert.match(text, /secretKeyRef/);
  assert.match(text, /--verbose/);
  assert.match(text, /--password=<redacted by hindsight>: the flag names a credential/);
});
