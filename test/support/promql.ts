import type { Parser } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * PromQL read with the real grammar (not a regex), so function names and labels are never
 * mistaken for metrics. Shared by the alert-rule and dashboard tests so that both check
 * queries the same way.
 */

export interface Matcher {
  label: string;
  op: string;
  value: string;
}

export interface Selector {
  /** '' for a selector without a metric name, e.g. `{__name__=~"…"}`. */
  metric: string;
  matchers: Matcher[];
}

/** Syntax error nodes in a query for any Lezer grammar (empty when it parses): the TraceQL
 * checks use it with @grafana/lezer-traceql. */
export function syntaxErrors(grammar: Parser, query: string): string[] {
  const errors: string[] = [];
  grammar.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`at ${node.from}: "${query.slice(node.from, node.to + 10)}"`);
    },
  });
  return errors;
}

export const promqlErrors = (expr: string): string[] => syntaxErrors(parser, expr);

/** The vector selectors (metric + label matchers) of an expression, and every label name it
 * mentions (matchers and by/without/on/ignoring/group_* lists). Throws on a syntax error. */
export function promqlNames(expr: string): { selectors: Selector[]; labels: Set<string> } {
  const selectors: Selector[] = [];
  const labels = new Set<string>();
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from}: ${expr}`);
      if (node.name === 'LabelName') labels.add(text(node));
      if (node.name !== 'VectorSelector') return;
      const ident = node.node.getChild('Identifier');
      const selector: Selector = { metric: ident ? text(ident) : '', matchers: [] };
      const matchers = node.node.getChild('LabelMatchers');
      for (const m of matchers?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (label && op && value)
          selector.matchers.push({ label: text(label), op: text(op), value: unquote(text(value)) });
      }
      selectors.push(selector);
    },
  });
  return { selectors, labels };
}

// Double-quoted strings have JSON escapes; single-quoted and `raw` ones are taken as written.
const unquote = (s: string): string =>
  s.startsWith('"') ? (JSON.parse(s) as string) : s.slice(1, -1);
