import { callService, HttpError } from '@tracing-demo/service-kit';

export interface ChargeInput {
  orderId: string;
  amountCents: number;
  currency: 'USD';
  method: 'card' | 'wallet';
  cardNumber?: string | undefined;
}

/**
 * Charges through payment-service and maps its answers to what the order caller should see:
 * a decline is the caller's problem (402), a processor failure is ours (502). The order's
 * request id goes along, as the gateway forwards it here, so payment's log lines and SERVER span
 * carry the same id.
 */
export async function charge(
  paymentServiceUrl: string,
  input: ChargeInput,
  requestId: string,
): Promise<string> {
  const { status, body } = await callService<{ chargeId?: string; message?: string }>(
    'payment-service',
    `${paymentServiceUrl}/charges`,
    { method: 'POST', body: input, headers: { 'x-request-id': requestId }, timeoutMs: 10_000 },
  );
  if (status === 201 && body?.chargeId) return body.chargeId;
  if (status === 402) throw new HttpError(402, body?.message ?? 'payment declined');
  if (status >= 400 && status < 500) {
    throw new HttpError(400, `payment rejected: ${body?.message ?? `status ${status}`}`);
  }
  throw new HttpError(
    502,
    `payment failed: ${body?.message ?? `payment-service answered ${status}`}`,
  );
}
