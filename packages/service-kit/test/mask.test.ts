import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.js';
import { maskSecrets, withMaskedMessage } from '../src/mask.js';

const EMAIL = 'alice.smith@example.org';
const CARD = '4242 4242 4242 4242';
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const BEARER = 'Bearer opaque-credential-123';

describe('maskSecrets', () => {
  it('masks e-mail addresses, card numbers, JWTs and bearer credentials', () => {
    expect(maskSecrets(`user ${EMAIL} paid with ${CARD}, sent ${JWT} and ${BEARER}`)).toBe(
      'user **** paid with ****, sent **** and ****',
    );
    expect(maskSecrets('card=4111111111111111&x=1')).toBe('card=****&x=1');
  });

  it('keeps ids and ordinary text as they are', () => {
    const text =
      "unknown sku 'SKU-COFFEE' for order 04ebcf75-e0ab-4ae3-8668-759155662456 (12 digits: 123456789012)";
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('messages that reach spans', () => {
  it('an HttpError built from input carries it masked, for the caller and for its span', () => {
    const error = new HttpError(400, `no account for ${EMAIL} with card ${CARD}`);
    expect(error.message).toBe('no account for **** with card ****');
  });

  it('withMaskedMessage masks the message and the stack trace, keeping the error name', () => {
    const original = new SyntaxError(`bad message body: {"email":"${EMAIL}"}`);
    const masked = withMaskedMessage(original);
    expect(masked.name).toBe('SyntaxError');
    expect(masked.message).toBe('bad message body: {"email":"****"}');
    expect(masked.stack).not.toContain(EMAIL);
    expect(masked.stack).toContain('bad message body');
  });
});
