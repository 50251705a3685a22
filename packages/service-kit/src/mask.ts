/**
 * The collector's value masks (collector/otel-collector.yaml): e-mail addresses, card numbers as
 * they are written, JWTs and bearer credentials. A message built from user input goes through
 * them before it can become a span's status message or exception event (HttpError does it for
 * every message it carries); the collector masks again, this is the first line.
 */
const SECRET_PATTERNS = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  /\b(?:\d{13,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5})\b/g,
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g,
  /bearer\s+[A-Za-z0-9._~+/=-]+/gi,
];

export function maskSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((masked, pattern) => masked.replace(pattern, '****'), text);
}

/**
 * The error with its message (and the stack trace, which repeats it) masked, for recording on
 * a span an error whose message may carry input, such as a message body that failed to parse.
 */
export function withMaskedMessage(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const masked = new Error(maskSecrets(original.message));
  masked.name = original.name;
  masked.stack = original.stack === undefined ? undefined : maskSecrets(original.stack);
  return masked;
}
