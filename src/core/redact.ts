const remembered = new Set<string>();

/**
 * Remembers a secret for this process (the API key when a request is about to send it), so that every error
 * built afterwards is redacted even when a server echoes the key back in its error body.
 */
export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= 4) remembered.add(value);
}

/** The secrets remembered so far (see rememberSecret). */
export function rememberedSecrets(): ReadonlySet<string> {
  return remembered;
}

/** Removes known secrets and anything shaped like a bearer token or API key from a log line. */
export function redactSecrets(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?bearer\s+)[^\s"',}]+/gi, '$1[redacted]')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, 'Bearer [redacted]')
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '$1-[redacted]')
    .replace(/([?&](?:api[_-]?key|key|token)=)[^&\s]+/gi, '$1[redacted]');
}
