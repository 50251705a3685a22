/**
 * The error-budget alert, as shipped in prometheus/rules, goes off under injected payment
 * failures and clears after they stop. Only a rule parameter differs from production: the
 * stack's SLO objective is 99 % (slo:objective:ratio), so a burst of a few dozen failures
 * burns the budget fast enough; the windows and the `for` are the shipped ones.
 */
import { waitFor } from '@tracing-demo/platform';
import { newTraceId } from '@tracing-demo/testkit';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, inParallel, setFaults } from './support/client.ts';
import { type Alert, alerts, scalarOf } from './support/prometheus.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const ALERT = 'ServiceErrorBudgetBurnFast';
const paymentAlert = (list: Alert[]) =>
  list.find((a) => a.labels.alertname === ALERT && a.labels.service_name === 'payment-service');
const FAILED_CHARGES =
  'sum(traces_span_metrics_calls_total{service_name="payment-service", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"})';

describe(`the ${ALERT} alert`, () => {
  afterAll(() => setFaults(stack.payment, { failureRate: 0 }));

  it('fires while payments fail and resolves once they succeed again', async () => {
    const { body } = await client.call('/api/auth/login', {
      traceparent: `00-${newTraceId()}-${'2'.repeat(16)}-01`,
      body: { email: 'bob@example.com', password: 'bob-password' },
    });
    const orders = (count: number) =>
      inParallel(Array.from({ length: count }), 5, () =>
        client.call('/api/orders', {
          traceparent: `00-${newTraceId()}-${'2'.repeat(16)}-01`,
          token: body.accessToken as string,
          body: {
            items: [{ sku: 'SKU-MUG', quantity: 1 }],
            paymentMethod: 'card',
            cardNumber: '4242424242424242',
          },
        }),
      );
    expect(paymentAlert(await alerts(stack.prometheus))).toBeUndefined();

    // Failed charges, each batch waited for until Prometheus has counted it.
    let failures = 0;
    const failCharges = async (count: number) => {
      const seen = await scalarOf(stack.prometheus, FAILED_CHARGES);
      await orders(count);
      failures += count;
      await waitFor(
        'Prometheus to count the failed charges',
        async () => (await scalarOf(stack.prometheus, FAILED_CHARGES)) >= seen + count,
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    };

    // Failures in small steps until the condition holds.
    const started = Date.now();
    await setFaults(stack.payment, { failureRate: 1 });
    await waitFor(
      `${ALERT} to become pending for payment-service`,
      async () => {
        await failCharges(5);
        // A few evaluation intervals (2 s) to turn the new ratio into an alert state.
        return waitFor(
          'the rule to be evaluated',
          async () => paymentAlert(await alerts(stack.prometheus)),
          {
            timeoutMs: 6_000,
            intervalMs: 1000,
          },
        ).catch(() => false);
      },
      { timeoutMs: 180_000, intervalMs: 0 },
    );
    // Pending means the error ratio has just crossed a burn threshold: the earlier tests'
    // successful orders weigh against it, and one more success (the faults call below is a
    // SERVER span too) can push it back under before `for` ends. As many failures again lift
    // the ratio to about twice the threshold (2t / (1 + t)), whichever tests ran before.
    const pendingAfter = failures;
    await failCharges(failures);
    await setFaults(stack.payment, { failureRate: 0 });
    console.log(
      `${ALERT}: pending after ${pendingAfter} failed charges, ${failures} in all, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );

    // The rule's `for: 2m`: no more failures are needed to keep the condition true. An alert
    // that leaves pending other than by firing fails the test at once, not at the timeout.
    const { firing } = await waitFor(
      `${ALERT} to fire for payment-service`,
      async () => {
        const alert = paymentAlert(await alerts(stack.prometheus));
        return alert?.state !== 'pending' && { firing: alert };
      },
      { timeoutMs: 240_000, intervalMs: 1000 },
    );
    if (!firing) throw new Error(`${ALERT} stopped being pending before it fired`);
    expect(firing.labels.severity).toBe('page');
    console.log(`${ALERT}: firing after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // Successful orders bring the error ratios back under the thresholds: the alert clears.
    let healthy = 0;
    await waitFor(
      `${ALERT} to resolve for payment-service`,
      async () => {
        const answers = await orders(20);
        healthy += answers.filter((a) => a.status === 201).length;
        return paymentAlert(await alerts(stack.prometheus)) === undefined;
      },
      { timeoutMs: 240_000, intervalMs: 0 },
    );
    console.log(
      `${ALERT}: resolved after ${healthy} successful orders, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
  }, 600_000);
});
