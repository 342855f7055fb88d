/**
 * What hindsight knows about well-known images, for deciding whether a fix is safe: which keep
 * state in a single instance (a second replica is a second, independent database), which run
 * as a known non-root user (so `runAsNonRoot` can be set with that UID), and which write
 * outside /tmp at run time (so a read-only root filesystem breaks them). An image it does not
 * know is never assumed safe: the fix becomes a finding that needs a human.
 */
import { parseImageReference } from './image-reference.ts';

export interface ImageFacts {
  /** Keeps data in one process; two replicas are two diverging copies behind one Service. */
  datastore?: boolean;
  /** The numeric user the image runs as by default, when it is not root. */
  nonRootUid?: number;
  /** Writes at run time to paths other than /tmp (its data, caches, pid files). */
  writesOutsideTmp?: boolean;
}

/** Last path component of the repository (`bitnami/redis` → `redis`), lower case. */
function baseName(repository: string): string {
  return (repository.split('/').pop() ?? repository).toLowerCase();
}

/** Single-instance datastores, by image base name (official, Bitnami and common forks). */
const DATASTORES = new Set([
  'redis',
  'redis-stack',
  'redis-stack-server',
  'valkey',
  'keydb',
  'mongo',
  'mongodb',
  'mysql',
  'mysql-server',
  'mariadb',
  'percona',
  'percona-server',
  'postgres',
  'postgresql',
  'postgis',
  'timescaledb',
  'rabbitmq',
  'elasticsearch',
  'opensearch',
  'zookeeper',
  'kafka',
  'cassandra',
  'etcd',
  'memcached',
  'consul',
  'vault',
  'minio',
  'influxdb',
  'couchdb',
  'couchbase',
  'neo4j',
  'clickhouse-server',
  'clickhouse',
  'mssql-server',
  'cockroach',
  'nats',
  'nats-streaming',
  'activemq',
  'artemis',
  'solr',
  'questdb',
  'dgraph',
  'arangodb',
  'rethinkdb',
  'scylla',
]);

/** Images that write to their own paths outside /tmp at run time, besides the datastores. */
const WRITERS = new Set([
  'nginx',
  'httpd',
  'apache',
  'php',
  'wordpress',
  'jenkins',
  'tomcat',
  'gitlab-ce',
  'sonarqube',
]);

/** Known default non-root users, by repository prefix or exact repository. */
function defaultNonRootUid(
  registry: string | undefined,
  repository: string,
  tag: string | undefined,
): number | undefined {
  const repo = repository.toLowerCase();
  if (registry === 'gcr.io' && repo.startsWith('distroless/') && /(^|-)nonroot$/.test(tag ?? ''))
    return 65532;
  if (registry === 'cgr.dev' && repo.startsWith('chainguard/')) return 65532;
  if (repo.startsWith('bitnami/')) return 1001;
  if (repo === 'nginxinc/nginx-unprivileged') return 101;
  if (repo === 'grafana/grafana' || repo === 'grafana/grafana-oss') return 472;
  if (
    registry === 'quay.io' &&
    /^prometheus\/(prometheus|alertmanager|node-exporter|pushgateway|blackbox-exporter)$/.test(repo)
  )
    return 65534;
  return undefined;
}

/** What is known about `image`; an empty object when nothing is. */
export function imageFacts(image: unknown): ImageFacts {
  const ref = parseImageReference(image);
  if (!ref) return {};
  const name = baseName(ref.repository);
  const facts: ImageFacts = {};
  if (DATASTORES.has(name)) {
    facts.datastore = true;
    facts.writesOutsideTmp = true;
  }
  if (WRITERS.has(name) && ref.repository.toLowerCase() !== 'nginxinc/nginx-unprivileged')
    facts.writesOutsideTmp = true;
  const uid = defaultNonRootUid(ref.registry, ref.repository, ref.tag);
  if (uid !== undefined) facts.nonRootUid = uid;
  return facts;
}
