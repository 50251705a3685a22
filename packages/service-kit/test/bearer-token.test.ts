import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.js';
import { bearerToken } from '../src/jwt.js';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

function refusal(header: string | undefined): HttpError {
  try {
    bearerToken(header);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`'${header}' was accepted`);
}

describe('bearerToken', () => {
  it('takes the JWT out of "Bearer <jwt>"', () => {
    expect(bearerToken(`Bearer ${JWT}`)).toBe(JWT);
    // The scheme is case-insensitive (RFC 9110 §11.1).
    expect(bearerToken(`bearer ${JWT}`)).toBe(JWT);
    expect(bearerToken(`BEARER ${JWT}`)).toBe(JWT);
  });

  it('ignores whitespace around the header value', () => {
    expect(bearerToken(`  Bearer ${JWT}\t`)).toBe(JWT);
  });

  it('leaves an empty signature to the verifier, which knows why that is wrong', () => {
    expect(bearerToken('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.')).toBe(
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
    );
  });

  it('answers 401 with a www-authenticate challenge when the header is missing', () => {
    const error = refusal(undefined);

    expect(error.statusCode).toBe(401);
    expect(error.message).toBe('missing Authorization header (expected "Bearer <token>")');
    expect(error.headers).toEqual({ 'www-authenticate': 'Bearer error="invalid_token"' });
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['the scheme alone', 'Bearer'],
    ['a token that is not a JWT', 'Bearer opaque-token'],
    ['a JWT with two signatures', `Bearer ${JWT}.extra`],
    ['two tokens', `Bearer ${JWT} ${JWT}`],
    ['characters outside base64url', 'Bearer eyJ+.eyJ/.sig='],
  ])('answers 401 to %s, saying what the header must look like', (_case, header) => {
    const error = refusal(header);

    expect(error.statusCode).toBe(401);
    expect(error.message).toBe('Authorization header must be "Bearer <JWT>"');
    expect(error.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });
});
