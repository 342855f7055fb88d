/**
 * What a secret value looks like, so that hindsight can keep one out of everything it writes even
 * where it does not expect one: a private key pasted into an annotation, a token in an
 * environment variable, a whole Secret inside `last-applied-configuration`.
 *
 * Detection errs on the side of redacting: a false positive costs a placeholder in a snapshot,
 * a false negative leaks a credential.
 */

/** Shapes of well-known credentials, checked against any string value. */
const CREDENTIAL_SHAPES: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/ },
  // "-----BEGIN" once or twice base64-encoded (a key inside a Secret-shaped annotation).
  { what: 'a base64-encoded PEM block', pattern: /LS0tLS1CRUdJT|TFMwdExTMUNSVWRKVG/ },
  { what: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { what: 'an AWS access key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/ },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a Stripe key', pattern: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}/ },
  { what: 'a bearer token', pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/ },
];

/** `scheme://user:password@host`: only the password is taken out, the URL stays usable. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)([^\s/@]+)@/gi;

/** Names under which a literal value is a credential whatever it looks like. */
const CREDENTIAL_NAME =
  /passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credential|auth[_-]?key|client[_-]?key|signing[_-]?key|encryption[_-]?key|session[_-]?key|pwd$/i;

/** Names that match CREDENTIAL_NAME but name something public (a file path, a reference, a TTL). */
const NOT_A_CREDENTIAL_NAME =
  /(?:_FILE|_PATH|_DIR|_NAME|_REF|_TTL|_URL|_ENDPOINT|_HEADER|_ISSUER|_AUDIENCE|_EXPIRY|_EXPIRATION|_TIMEOUT|_LENGTH)$/i;

export const REDACTED = '<redacted by hindsight>';

/** What credential `value` looks like ("a private key", …), or undefined when it looks like none. */
export function credentialShape(value: string): string | undefined {
  if (value.length < 16) return undefined;
  for (const { what, pattern } of CREDENTIAL_SHAPES) if (pattern.test(value)) return what;
  return undefined;
}

/** Whether a key or variable name says its value is a credential (`DB_PASSWORD`, `apiKey`). */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name) && !NOT_A_CREDENTIAL_NAME.test(name);
}

/** The placeholder that replaces a redacted value, saying why without showing any of it. */
export function redactedValue(why: string): string {
  return `${REDACTED}: ${why}`;
}

/**
 * `value` with every credential in it taken out: a value that looks like a credential becomes a
 * placeholder; a password inside a URL is replaced where it stands. Undefined when nothing was.
 */
export function redactString(value: string): string | undefined {
  const shape = credentialShape(value);
  if (shape) return redactedValue(`looked like ${shape}`);
  URL_PASSWORD.lastIndex = 0;
  if (!URL_PASSWORD.test(value)) return undefined;
  return value.replace(URL_PASSWORD, (_match, head: string) => `${head}${REDACTED}@`);
}
