import { describe, expect, it } from 'vitest';
import { offlineGatewayFixture } from './helpers.js';

const offline = offlineGatewayFixture();

describe('routes the gateway does not have', () => {
  it('answer 404 with a JSON error naming the route, without its query string', async () => {
    const response = await offline.gateway.inject({ method: 'GET', url: '/api/users?limit=10' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'no route for GET /api/users',
    });
  });

  it('include the internal services’ own endpoints, such as payment fault injection', async () => {
    const response = await offline.gateway.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: { failureRate: 1 },
    });

    expect(response.statusCode).toBe(404);
  });

  it('include a known path with a method it does not serve', async () => {
    const response = await offline.gateway.inject({ method: 'DELETE', url: '/api/orders' });

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('no route for DELETE /api/orders');
  });
});
